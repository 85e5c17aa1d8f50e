/**
 * The workflow code replays every recorded path (test/histories, made by
 * `npm run record-histories`): a change that breaks determinism fails here, not in production.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './harness.js';

const dir = new URL('../histories/', import.meta.url);
const REQUIRED_PATHS = [
  'completed',
  'concurrent-passwords',
  'no-match',
  'link-expired',
  'password-step-expired',
  'superseded-then-completed',
  'locked',
  'rate-limited-then-cancelled',
];

describe('replay of recorded histories', () => {
  it('covers every path of the renewal', async () => {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(names).toEqual(expect.arrayContaining(REQUIRED_PATHS));
  });

  it('replays each one without a nondeterminism error', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    async function* histories() {
      for (const file of files) {
        yield { workflowId: file, history: historyFromJSON(JSON.parse(await readFile(new URL(file, dir), 'utf8'))) };
      }
    }
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories())) {
      results.push({ file: result.workflowId, error: result.error?.message });
    }
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});
