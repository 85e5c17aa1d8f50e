import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { createDataConverter } from '../codec/data-converter.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface RenewalWorkerOptions {
  config: Pick<Config, 'temporal' | 'payloadCodec'>;
  connection: NativeConnection;
  activities: ActivityDependencies;
  /** Tests pass a prebuilt bundle to avoid rebundling per file. */
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
