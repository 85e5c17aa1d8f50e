import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * A time-skipping environment on the Java test server that tools/setup.sh installed (no download):
 * its launcher path comes from TEMPORAL_TEST_SERVER_PATH, set by test/global-setup.ts.
 */
export function timeSkippingEnv(options: TimeSkippingTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`');
  return TestWorkflowEnvironment.createTimeSkipping({
    ...options,
    server: { ...options.server, executable: { type: 'existing-path', path } },
  });
}

/**
 * Keeps the Temporal SDK's own logging (worker start/stop, one line per event) to warnings, once per
 * test process. Does nothing if the runtime was already set up.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed or instantiated in this process
  }
}
