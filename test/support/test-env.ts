/**
 * The settings of a test run: test ports distinct from `npm start`'s defaults, so that both can run
 * at once. Each can be changed with TEST_<NAME> (e.g. TEST_TEMPORAL_PORT=27233).
 */
import { join, relative, resolve } from 'node:path';
import { StackError } from '../../dev/stack/errors.js';
import { repoRoot, toolsBin } from '../../dev/stack/paths.js';

/**
 * The test data folder, wiped at every run: .data/test, or TEST_DATA_DIR (which must then be inside
 * the repository's .data/, so that a typo never wipes anything else).
 */
export function testDataDir(outer: NodeJS.ProcessEnv): string {
  const dataRoot = join(repoRoot, '.data');
  const dir = resolve(repoRoot, outer.TEST_DATA_DIR ?? join(dataRoot, 'test'));
  const inside = relative(dataRoot, dir);
  if (!inside || inside.startsWith('..') || resolve(dataRoot, inside) !== dir) {
    throw new StackError(`TEST_DATA_DIR must be a folder inside ${dataRoot}/ (it is wiped at every test run).`);
  }
  return dir;
}

const TEST_PORTS = {
  TEMPORAL_PORT: 17233,
  TEMPORAL_UI_PORT: 18233,
  REGISTRY_PORT: 27117,
  SMTP_PORT: 11025,
  MAILPIT_UI_PORT: 18025,
  CODEC_SERVER_PORT: 18888,
  WEB_PORT: 13000,
  REDIS_PORT: 16379,
} as const;

/** The variable an operator sets to change a test setting. */
export const testVariable = (name: string) => `TEST_${name}`;

/** The environment the tests run with, built from the invoking one (`outer`). */
export function testEnvironment(outer: NodeJS.ProcessEnv): Record<string, string> {
  const port = (name: keyof typeof TEST_PORTS) => outer[testVariable(name)] ?? String(TEST_PORTS[name]);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: outer.TEST_LOG_LEVEL ?? 'warn',
    DATA_DIR: testDataDir(outer),
    TEMPORAL_PORT: port('TEMPORAL_PORT'),
    TEMPORAL_UI_PORT: port('TEMPORAL_UI_PORT'),
    TEMPORAL_ADDRESS: `127.0.0.1:${port('TEMPORAL_PORT')}`,
    TEMPORAL_NAMESPACE: 'default',
    REGISTRY_PORT: port('REGISTRY_PORT'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: port('SMTP_PORT'),
    MAILPIT_UI_PORT: port('MAILPIT_UI_PORT'),
    CODEC_SERVER_PORT: port('CODEC_SERVER_PORT'),
    WEB_PORT: port('WEB_PORT'),
    REDIS_PORT: port('REDIS_PORT'),
    PUBLIC_BASE_URL: `http://localhost:${port('WEB_PORT')}`,
    CAPTCHA_TEST_HOOK: 'true',
    TEMPORAL_TEST_SERVER_PATH: outer.TEST_TEMPORAL_TEST_SERVER_PATH ?? join(toolsBin, 'temporal-test-server'),
  };
  // A MongoDB for the tests only when asked with TEST_MONGODB_URI: never the one MONGODB_URI names.
  if (outer.TEST_MONGODB_URI) env.MONGODB_URI = outer.TEST_MONGODB_URI;
  if (outer.TEST_REDIS_URL) env.REDIS_URL = outer.TEST_REDIS_URL;
  return env;
}
