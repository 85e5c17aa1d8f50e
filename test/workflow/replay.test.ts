/**
 * The workflow code replays every recorded path (test/histories/<version>/, made by
 * `npm run record-histories -- <version>`, and cases exported by operators at the top of
 * test/histories): a change that breaks determinism fails here, not in production. Each folder
 * holds runs of one workflow type: the legacy `renewalWorkflow` (1-…, 2-…, 3-…) or
 * `credentialRenewalWorkflow` (4-… on).
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { RENEWAL_WORKFLOW_TYPE } from '../../workflows/definitions.js';
import { RENEWAL_WORKFLOW_TYPE as LEGACY_WORKFLOW_TYPE } from '../../workflows/legacy/definitions.js';
import { PATCHES as LEGACY_PATCHES } from '../../workflows/legacy/patches.js';
import { PATCHES } from '../../workflows/patches.js';
import { workflowBundle } from '../support/renewal-harness.js';

const root = new URL('../histories/', import.meta.url);

/** Per workflow type: the paths every version folder must cover, and the patches of that type. */
const TYPES = {
  [LEGACY_WORKFLOW_TYPE]: {
    paths: [
      'completed',
      'concurrent-passwords',
      'no-match',
      'link-expired',
      'password-step-expired',
      'superseded-then-completed',
      'locked',
      'rate-limited-then-cancelled',
    ],
    patches: Object.values(LEGACY_PATCHES) as string[],
  },
  [RENEWAL_WORKFLOW_TYPE]: {
    paths: [
      'identifier-completed',
      'password-completed',
      'identifier-concurrent-secrets',
      'password-concurrent-secrets',
      'identifier-no-match',
      'password-no-match',
      'identifier-locked',
      'password-locked',
      'link-expired',
      'superseded-then-completed',
      'rate-limited-then-cancelled-then-lifted',
      'other-kind-refused-in-progress',
      'cooldown-refused-then-same-kind-continues',
      'lockout-bound-refused',
    ],
    patches: Object.values(PATCHES) as string[],
  },
};

type HistoryJson = {
  events: Array<{
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
    markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: Array<{ data: string }> }> };
  }>;
};

const jsonIn = async (dir: URL) => (await readdir(dir)).filter((f) => f.endsWith('.json'));
/** One folder per version of the workflow code, oldest first (their names start with a number). */
const versions = async () =>
  (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const readHistory = async (file: URL): Promise<HistoryJson> => JSON.parse(await readFile(file, 'utf8'));
const typeOf = (history: HistoryJson) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';

/** The patch IDs a recorded history carries (core_patch markers; their data is JSON). */
function patchIds(history: HistoryJson) {
  return history.events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const payload = marker.details?.['patch-data']?.payloads[0];
    return payload ? [JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')).id as string] : [];
  });
}

/** Each version folder with its workflow type (all its histories are of one type). */
async function folders() {
  return Promise.all(
    (await versions()).map(async (name) => {
      const dir = new URL(`${name}/`, root);
      const files = await jsonIn(dir);
      const types = new Set(await Promise.all(files.map(async (f) => typeOf(await readHistory(new URL(f, dir))))));
      expect(types.size, `${name} mixes workflow types`).toBe(1);
      return { name, type: [...types][0]!, paths: files.map((f) => f.replace(/\.json$/, '')) };
    }),
  );
}

describe('replay of recorded histories', () => {
  it('covers every path of each workflow type in every recorded version', async () => {
    const recorded = await folders();
    for (const type of Object.keys(TYPES))
      expect(
        recorded.some((f) => f.type === type),
        `no recordings of ${type}`,
      ).toBe(true);
    for (const folder of recorded) {
      const required = TYPES[folder.type as keyof typeof TYPES];
      expect(required, `unknown workflow type ${folder.type} in ${folder.name}`).toBeDefined();
      expect({ folder: folder.name, paths: folder.paths }).toEqual({ folder: folder.name, paths: expect.arrayContaining(required.paths) });
    }
  });

  it('takes every current patch of a type in its newest recordings, and none in its oldest', async () => {
    const recorded = await folders();
    for (const [type, { patches }] of Object.entries(TYPES)) {
      const ofType = recorded.filter((f) => f.type === type);
      const newest = await readHistory(new URL(`${ofType.at(-1)!.name}/${TYPES[type as keyof typeof TYPES].paths[0]}.json`, root));
      const oldest = await readHistory(new URL(`${ofType[0]!.name}/${TYPES[type as keyof typeof TYPES].paths[0]}.json`, root));
      expect(patchIds(newest).sort(), type).toEqual([...patches].sort());
      expect(patchIds(oldest), type).toEqual([]);
    }
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
