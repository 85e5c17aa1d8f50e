/** The worker process: connects, runs the renewal workflows and activities, stops cleanly. */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { createActivityDependencies } from './dependencies.js';
import { createRenewalWorker } from './create-worker.js';

const config = loadConfig();
const logger = createLogger(config, 'worker');
Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  // SIGINT/SIGTERM make the worker drain and shut down; run() then resolves.
  shutdownSignals: ['SIGINT', 'SIGTERM'],
});

const connection = await NativeConnection.connect({ address: config.temporal.address });
const dependencies = await createActivityDependencies(config);
const worker = await createRenewalWorker({ config, connection, activities: dependencies });
logger.info({ taskQueue: config.temporal.taskQueue }, 'worker started');
try {
  await worker.run();
} finally {
  await dependencies.close();
  await connection.close();
  logger.info('worker stopped');
}
