/**
 * The bench stack's settings: its own ports and data folder (so it runs beside `npm start` and the
 * tests), the test hook for captchas, each citizen behind its own client address. The configuration
 * is read the usual way, by loadConfig, from the environment the child processes get.
 */
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../../config/index.js';
import type { BenchOptions } from './options.js';

/** Under the bench's folder (.data/bench/ by default, ignored by git): the stack's, wiped at every run. */
export const stackDataDir = (dataDir: string) => join(dataDir, 'stack');
export const resultsDir = (dataDir: string) => join(dataDir, 'results');

/**
 * The environment of every child process, and of loadConfig here. Load the configuration only
 * after wiping the data folder: outside production, secrets (payload key...) are generated there.
 */
export function benchEnvironment(
  options: Pick<BenchOptions, 'portBase' | 'logLevel' | 'workerCache' | 'dataDir'>,
  outer: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const port = (suffix: number) => String(options.portBase + suffix);
  // Nothing of the invoking shell's configuration (a MONGODB_URI, a TEMPORAL_ADDRESS...) reaches the bench stack.
  const inherited = Object.fromEntries(Object.entries(outer).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
  const settings: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel,
    DATA_DIR: stackDataDir(options.dataDir),
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    TEMPORAL_ADDRESS: `127.0.0.1:${port(7233)}`,
    REGISTRY_PORT: port(7017),
    REDIS_PORT: port(6379),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: port(1025),
    MAILPIT_UI_PORT: port(8025),
    CODEC_SERVER_PORT: port(8888),
    WEB_HOST: '127.0.0.1',
    WEB_PORT: port(3000),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port(3000)}`,
    // Test-only: GET /__test/captcha answers the session's code (refused in production).
    CAPTCHA_TEST_HOOK: 'true',
    // Each bench citizen has its own client address (X-Forwarded-For, read because of TRUST_PROXY;
    // see citizen.ts), as real citizens come from many addresses, so the rate limits keep their
    // defaults: the bench measures the limits' store work as configured, and a limit that refused
    // a normal citizen would fail the run. Raising the limits for one shared address would cost the
    // same store work but measure settings nobody runs.
    TRUST_PROXY: 'true',
  };
  if (options.workerCache !== undefined) settings.WORKER_MAX_CACHED_WORKFLOWS = String(options.workerCache);
  return { ...inherited, ...settings };
}
