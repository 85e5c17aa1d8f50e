import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { createDataConverter } from '../codec/data-converter.js';
import { workflowsPath } from './workflow-bundle.js';

export { workflowsPath };

export interface RenewalWorkerOptions {
  config: Pick<Config, 'temporal' | 'payloadCodec'>;
  connection: NativeConnection;
  activities: ActivityDependencies;
  /**
   * A bundle built beforehand (worker/workflow-bundle.ts; tests pass one to avoid rebundling per
   * file). Without it the worker bundles workflows/ itself at start, with webpack, in this process.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
}

/** The renewal worker: workflows from workflows/, activities built from their dependencies. */
export function createRenewalWorker({ config, connection, activities, workflowBundle, taskQueue }: RenewalWorkerOptions) {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: taskQueue ?? config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(activities),
    dataConverter: createDataConverter(config.payloadCodec),
    // A renewal mostly waits (up to an hour for its link): keeping every waiting one in memory
    // costs far more than replaying its short history when it wakes.
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
  });
}
