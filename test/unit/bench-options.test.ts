/** `npm run bench`'s command line: the issue's sizes by default, clear refusals otherwise. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../dev/bench/options.js';
import { repoRoot } from '../../dev/stack/paths.js';

describe('bench options', () => {
  it('defaults to the targets’ sizes: N = 100, C = 8, K = 10 000, results under .data/bench', () => {
    expect(parseOptions([])).toMatchObject({ n: 100, c: 8, k: 10_000, dataDir: join(repoRoot, '.data', 'bench'), skip: new Set() });
  });

  it('takes N, C and K from the command line', () => {
    expect(parseOptions(['--n', '4', '--c', '2', '--k', '300'])).toMatchObject({ n: 4, c: 2, k: 300 });
  });

  it('refuses what it cannot run, saying which option', () => {
    expect(() => parseOptions(['--k', 'dix'])).toThrow(new UsageError('--k must be an integer ≥ 0 (got "dix")'));
    expect(() => parseOptions(['--c', '0'])).toThrow(/--c must be an integer ≥ 1/);
    expect(() => parseOptions(['--skip', 'everything'])).toThrow(/--skip takes baseline, e2e or hold/);
    expect(() => parseOptions(['--data-dir', '..'])).toThrow(/--data-dir must be a folder inside/);
  });
});
