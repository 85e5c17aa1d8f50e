/** `npm run bench`'s command line (the issue's sizes by default, clear refusals otherwise) and its stack's environment. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchEnvironment } from '../../dev/bench/environment.js';
import { parseOptions, UsageError } from '../../dev/bench/options.js';
import { repoRoot } from '../../dev/stack/paths.js';

describe('bench options', () => {
  it('defaults to the targets’ sizes: N = 100, C = 8, K = 10 000, 100 000 accounts, results under .data/bench', () => {
    expect(parseOptions([])).toMatchObject({
      n: 100,
      c: 8,
      k: 10_000,
      accounts: 100_000,
      lookups: 200,
      registryUri: undefined,
      dataDir: join(repoRoot, '.data', 'bench'),
      skip: new Set(),
    });
  });

  it('runs one phase alone with --only, the registry’s on another server with --registry-uri', () => {
    expect(parseOptions(['--only', 'registry', '--accounts', '200000']).skip).toEqual(new Set(['baseline', 'e2e', 'hold']));
    expect(parseOptions(['--only', 'e2e', '--only', 'hold']).skip).toEqual(new Set(['baseline', 'registry']));
    expect(parseOptions(['--registry-uri', 'mongodb://127.0.0.1:27018/'])).toMatchObject({ registryUri: 'mongodb://127.0.0.1:27018/' });
  });

  it('takes N, C and K from the command line', () => {
    expect(parseOptions(['--n', '4', '--c', '2', '--k', '300'])).toMatchObject({ n: 4, c: 2, k: 300 });
  });

  it('refuses what it cannot run, saying which option', () => {
    expect(() => parseOptions(['--k', 'dix'])).toThrow(new UsageError('--k must be an integer ≥ 0 (got "dix")'));
    expect(() => parseOptions(['--c', '0'])).toThrow(/--c must be an integer ≥ 1/);
    expect(() => parseOptions(['--skip', 'everything'])).toThrow(/--skip takes baseline, e2e, hold or registry/);
    expect(() => parseOptions(['--only', 'lookups'])).toThrow(/--only takes baseline, e2e, hold or registry/);
    expect(() => parseOptions(['--accounts', '500'])).toThrow(new UsageError('--accounts must be an integer ≥ 1000 (got "500")'));
    expect(() => parseOptions(['--registry-uri', 'localhost:27017'])).toThrow(/--registry-uri takes a mongodb:\/\/ address/);
    expect(() => parseOptions(['--data-dir', '..'])).toThrow(/--data-dir must be a folder inside/);
  });

  it('gives the bench stack its own ports, Redis included, and no variable of the invoking shell’s configuration', () => {
    const options = parseOptions(['--port-base', '40000']);
    const env = benchEnvironment(options, {
      PATH: '/usr/bin',
      REDIS_URL: 'redis://elsewhere:6379/0',
      REDIS_PORT: '6379',
      TEMPORAL_ADDRESS: 'x:7233',
    });
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      REDIS_PORT: '46379',
      TEMPORAL_ADDRESS: '127.0.0.1:47233',
      REGISTRY_PORT: '47017',
      WEB_PORT: '43000',
    });
    expect(env.REDIS_URL).toBeUndefined();
    // Each citizen comes from its own address (X-Forwarded-For): the rate limits keep their defaults.
    expect(env).toMatchObject({ TRUST_PROXY: 'true', CAPTCHA_TEST_HOOK: 'true' });
    expect(env.RATE_LIMIT_PER_IP).toBeUndefined();
  });
});
