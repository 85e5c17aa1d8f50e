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
    // Tasks run at once beyond what the cores can take only wait, each holding memory: 1 000
    // renewals started with 10 of each at once left the worker at 237 MiB, with the SDK's defaults at
    // 262-287, at the same start rate (docs/performance.md).
    maxConcurrentWorkflowTaskExecutions: config.temporal.maxConcurrentTasks,
    maxConcurrentActivityTaskExecutions: config.temporal.maxConcurrentTasks,
    maxConcurrentLocalActivityExecutions: config.temporal.maxConcurrentTasks,
  });
}
