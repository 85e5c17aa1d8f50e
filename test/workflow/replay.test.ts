/**
 * The workflow code replays every recorded path (test/histories/<version>/, made by
 * `npm run record-histories -- <version>`, and cases exported by operators at the top of
 * test/histories): a change that breaks determinism fails here, not in production.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { PATCHES } from '../../workflows/patches.js';
import { workflowBundle } from './harness.js';

const root = new URL('../histories/', import.meta.url);
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

const jsonIn = async (dir: URL) => (await readdir(dir)).filter((f) => f.endsWith('.json'));
/** One folder per version of the workflow code, oldest first (their names start with a number). */
const versions = async () =>
  (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const readHistory = async (file: URL) => JSON.parse(await readFile(file, 'utf8'));

/** The patch IDs a recorded history carries (core_patch markers; their data is JSON). */
function patchIds(history: {
  events: Array<{
    markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: Array<{ data: string }> }> };
  }>;
}) {
  return history.events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const payload = marker.details?.['patch-data']?.payloads[0];
    return payload ? [JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')).id as string] : [];
  });
}

describe('replay of recorded histories', () => {
  it('covers every path of the renewal in every recorded version', async () => {
    const recorded = await versions();
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    for (const version of recorded) {
      const names = (await jsonIn(new URL(`${version}/`, root))).map((f) => f.replace(/\.json$/, ''));
      expect({ version, names }).toEqual({ version, names: expect.arrayContaining(REQUIRED_PATHS) });
    }
  });

  it('takes every current patch in the newest recordings, and none in the oldest', async () => {
    const recorded = await versions();
    const newest = await readHistory(new URL(`${recorded.at(-1)}/completed.json`, root));
    const oldest = await readHistory(new URL(`${recorded[0]}/completed.json`, root));
    expect(patchIds(newest).sort()).toEqual(Object.values(PATCHES).sort());
    expect(patchIds(oldest)).toEqual([]);
  });

  it('replays each one without a nondeterminism error', async () => {
    const files = [
      ...(await jsonIn(root)).map((f) => new URL(f, root)),
      ...(
        await Promise.all(
          (await versions()).map(async (v) => (await jsonIn(new URL(`${v}/`, root))).map((f) => new URL(`${v}/${f}`, root))),
        )
      ).flat(),
    ];
    async function* histories() {
      for (const file of files) {
        yield { workflowId: file.pathname, history: historyFromJSON(await readHistory(file)) };
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
