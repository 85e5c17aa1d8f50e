/**
 * Vitest global setup: starts the embedded servers on test ports with a fresh .data/test, and puts
 * the test settings in process.env before the test processes start (they inherit it and call
 * loadConfig(process.env)). Stops every server at the end.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/index.js';
import { StackError } from '../dev/stack/errors.js';
import { assertDataDirUnused } from '../dev/stack/process.js';
import { embeddedServers } from '../dev/stack/servers.js';
import { Stack } from '../dev/stack/stack.js';
import { testEnvironment, testVariable } from './support/test-env.js';

export default async function setup(): Promise<() => Promise<void>> {
  const started = Date.now();
  let stack: Stack | undefined;
  let env: Record<string, string>;
  try {
    env = testEnvironment(process.env);
    delete process.env.MONGODB_URI;
    delete process.env.REDIS_URL;
    Object.assign(process.env, env);

    // The data folder and ports first (after stopping leftovers of a crashed run), so that a second run alongside never wipes the first one's data.
    assertDataDirUnused(join(env.DATA_DIR!, 'run'), `The test data folder ${env.DATA_DIR}`, 'set TEST_DATA_DIR');
    await new Stack(env.DATA_DIR!).preflight(embeddedServers(loadConfig(process.env), testVariable));
    rmSync(env.DATA_DIR!, { recursive: true, force: true });
    const config = loadConfig(process.env);
    stack = new Stack(config.dataDir);
    await stack.start(embeddedServers(config, testVariable));
  } catch (err) {
    if (err instanceof StackError || err instanceof ConfigError) {
      // One clear message instead of a stack trace.
      const clean = new Error(`[test setup] ${err.message}`);
      clean.stack = clean.message;
      throw clean;
    }
    throw err;
  }
  console.log(`[test setup] servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${join(env.DATA_DIR!, 'logs')}/)`);

  const running = stack;
  // Ctrl-C makes vitest exit at once, without the teardown below: the servers still get SIGTERM.
  process.once('exit', () => running.signalAllNow());
  return async () => {
    await running.stop();
  };
}
