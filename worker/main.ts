/** The worker process: connects, runs the renewal workflows and activities, stops cleanly. */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadWorkerConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { reach, startProcess } from '../config/startup.js';
import { createActivityDependencies } from './dependencies.js';
import { createRenewalWorker } from './create-worker.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';

const { config, logger, connection, dependencies, worker, workflowBundle } = await startProcess('worker', async () => {
  // A bad setting or bundle is refused before connecting to anything.
  const config = loadWorkerConfig();
  const { workflowBundlePath } = config.temporal;
  const workflowBundle = workflowBundlePath ? await prebuiltWorkflowBundle(workflowBundlePath) : undefined;
  const logger = createLogger(config, 'worker');
  Runtime.install({
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    // SIGINT/SIGTERM make the worker drain and shut down; run() then resolves.
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const { address } = config.temporal;
  const connection = await reach('Temporal', address, 'TEMPORAL_ADDRESS', () => NativeConnection.connect({ address }));
  const dependencies = await createActivityDependencies(config, logger);
  const worker = await createRenewalWorker({ config, connection, activities: dependencies, workflowBundle });
  return { config, logger, connection, dependencies, worker, workflowBundle };
});

logger.info(
  { taskQueue: config.temporal.taskQueue, workflows: workflowBundle ? workflowBundle.codePath : 'bundled at start' },
  'worker started',
);
try {
  await worker.run();
} finally {
  await dependencies.close();
  await connection.close();
  logger.info('worker stopped');
}
