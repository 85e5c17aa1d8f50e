import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { renewalSearchAttributes } from '../../workflows/search-attributes.js';

export interface TimeSkippingOptions extends TimeSkippingTestWorkflowEnvironmentOptions {
  /** Registered on the test server once it is up; the renewal's own by default. */
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
}

/**
 * A time-skipping environment on the Java test server that dev/tools/setup.sh installed (no download):
 * its launcher path comes from TEMPORAL_TEST_SERVER_PATH, set by test/global-setup.ts. The search
 * attributes are registered through the operator service, as the dev server does at start.
 */
export async function timeSkippingEnv({
  searchAttributes = renewalSearchAttributes,
  ...options
}: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`');
  const env = await startWithRetries(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      ...options,
      server: { ...options.server, executable: { type: 'existing-path', path } },
    }),
  );
  if (searchAttributes.length > 0) {
    try {
      await env.connection.operatorService.addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(searchAttributes.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
      });
    } catch (err) {
      await env.teardown();
      throw err;
    }
  }
  return env;
}

/**
 * The SDK gives the server 5 s to answer, then kills it. On a machine loaded by other tests that can
 * happen even to a server that starts in 0.3 s when idle: such a start is tried again (twice).
 */
async function startWithRetries(start: () => Promise<TestWorkflowEnvironment>, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String((err as Error)?.message))) throw err;
      console.warn(`[test] the time-skipping test server did not answer within 5 s (busy machine?); trying again`);
    }
  }
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
