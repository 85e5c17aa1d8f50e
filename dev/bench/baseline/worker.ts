/**
 * The baseline's worker, run by the bench as a child process like the renewal worker: the same
 * runtime settings, its own task queue, nothing but the baseline workflow.
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString, type InjectedSinks } from '@temporalio/worker';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../../config/logger.js';
import { BASELINE_TASK_QUEUE, READY_PORT_VARIABLE, type BaselineSinks } from './definitions.js';

const config = loadConfig();
const logger = createLogger(config, 'bench-baseline-worker');
Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  shutdownSignals: ['SIGINT', 'SIGTERM'],
});

// The bench listens on this port for the word that a workflow's first task has run (definitions.ts).
const readyPort = Number(process.env[READY_PORT_VARIABLE]) || undefined;
const socket = readyPort === undefined ? undefined : createSocket('udp4');
socket?.on('error', (err) => logger.warn({ err: err.message }, 'readiness datagram not sent')); // the bench then reports the wait that timed out
const sinks: InjectedSinks<BaselineSinks> = {
  bench: {
    ready: {
      fn: (info) => {
        socket?.send(info.workflowId, readyPort, '127.0.0.1');
      },
      callDuringReplay: false,
    },
  },
};

const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: BASELINE_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  sinks,
});
logger.info({ taskQueue: BASELINE_TASK_QUEUE, readyPort }, 'baseline worker started');
try {
  await worker.run();
} finally {
  socket?.close();
  await connection.close();
  logger.info('baseline worker stopped');
}
