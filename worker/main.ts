/** The worker process: connects, runs the renewal workflows and activities, stops cleanly. */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { createActivityDependencies } from './dependencies.js';
import { createRenewalWorker } from './create-worker.js';
import { prebuiltWorkflowBundle, WorkflowBundleError } from './workflow-bundle.js';

/** A bad setting or bundle: one line saying what to do, no stack trace, before connecting to anything. */
async function startup() {
  try {
    const config = loadConfig();
    const { workflowBundlePath } = config.temporal;
    return { config, workflowBundle: workflowBundlePath ? await prebuiltWorkflowBundle(workflowBundlePath) : undefined };
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof WorkflowBundleError)) throw err;
    console.error(`[worker] ${err.message}`);
    process.exit(1);
  }
}

const { config, workflowBundle } = await startup();
const logger = createLogger(config, 'worker');
Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  // SIGINT/SIGTERM make the worker drain and shut down; run() then resolves.
  shutdownSignals: ['SIGINT', 'SIGTERM'],
});

const connection = await NativeConnection.connect({ address: config.temporal.address });
const dependencies = await createActivityDependencies(config);
const worker = await createRenewalWorker({ config, connection, activities: dependencies, workflowBundle });
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
