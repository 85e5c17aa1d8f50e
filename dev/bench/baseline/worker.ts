/**
 * The baseline's worker, run by the bench as a child process like the renewal worker: the same
 * runtime settings, its own task queue, nothing but the baseline workflow.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../../config/logger.js';
import { BASELINE_TASK_QUEUE } from './definitions.js';

const config = loadConfig();
const logger = createLogger(config, 'bench-baseline-worker');
Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  shutdownSignals: ['SIGINT', 'SIGTERM'],
});

const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: BASELINE_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
});
logger.info({ taskQueue: BASELINE_TASK_QUEUE }, 'baseline worker started');
try {
  await worker.run();
} finally {
  await connection.close();
  logger.info('baseline worker stopped');
}
