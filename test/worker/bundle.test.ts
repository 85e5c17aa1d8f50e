/**
 * The prebuilt workflow bundle: `npm run build:workflows` writes one the worker runs (it replays a
 * recorded renewal), and the worker refuses a bundle that is missing, foreign or stale, with a
 * message saying what to do, before it connects to anything.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../dev/stack/paths.js';
import { prebuiltWorkflowBundle, workflowsPath, WorkflowBundleError } from '../../worker/workflow-bundle.js';
import { quietTemporalRuntime } from '../support/temporal.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
const bundle = join(scratch, 'workflow-bundle.js');

/** A copy of the bundle whose inline source map is changed by `edit` (as if built from other sources). */
function doctored(name: string, edit: (map: { sources: string[]; sourcesContent: string[] }) => void): string {
  const code = readFileSync(bundle, 'utf8');
  const comma = code.indexOf(',', code.lastIndexOf('//# sourceMappingURL=data:'));
  const map = JSON.parse(Buffer.from(code.slice(comma + 1), 'base64').toString('utf8'));
  edit(map);
  const file = join(scratch, name);
  writeFileSync(file, code.slice(0, comma + 1) + Buffer.from(JSON.stringify(map)).toString('base64'));
  return file;
}

beforeAll(async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'dev/scripts/build-workflows.ts', bundle], { cwd: repoRoot });
  expect(stdout).toMatch(/workflow bundle .*workflow-bundle\.js \(\d+\.\d MiB\) built in \d+\.\d s/);
}, 120_000);

describe('npm run build:workflows', () => {
  it('writes a bundle the worker runs: a recorded renewal replays from it', async () => {
    quietTemporalRuntime();
    const option = await prebuiltWorkflowBundle(bundle);
    expect(option).toEqual({ codePath: bundle });
    const completed = readdirSync(join(repoRoot, 'test', 'histories'), { recursive: true, encoding: 'utf8' })
      .filter((file) => basename(file) === 'completed.json')
      .map((file) => join(repoRoot, 'test', 'histories', file));
    expect(completed.length).toBeGreaterThan(0);
    async function* histories() {
      for (const file of completed) yield { workflowId: file, history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))) };
    }
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: option }, histories())) {
      results.push({ file: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(completed.map((file) => ({ file, error: undefined })));
  });
});

describe('the worker refuses a bundle', () => {
  it('that does not exist', async () => {
    const missing = join(scratch, 'nowhere', 'workflow-bundle.js');
    await expect(prebuiltWorkflowBundle(missing)).rejects.toThrow(
      `WORKFLOW_BUNDLE_PATH names ${missing}, which does not exist: rebuild it (npm run build:workflows -- ${missing}) or unset WORKFLOW_BUNDLE_PATH.`,
    );
  });

  it('built from workflow code that has changed since', async () => {
    const stale = doctored('stale.js', (map) => {
      const i = map.sources.indexOf(join(repoRoot, 'workflows', 'credential-renewal.ts'));
      expect(i).toBeGreaterThanOrEqual(0);
      map.sourcesContent[i] += '\n// an older version\n';
    });
    await expect(prebuiltWorkflowBundle(stale)).rejects.toThrow(
      new WorkflowBundleError(
        `The workflow bundle ${stale} is stale: workflows/credential-renewal.ts changed since it was built; rebuild it (npm run build:workflows -- ${stale}) or unset WORKFLOW_BUNDLE_PATH.`,
      ),
    );
  });

  it('built from another folder, or not by the build script', async () => {
    const foreign = doctored('foreign.js', (map) => {
      map.sources = map.sources.map((s) => s.replace(repoRoot, '/elsewhere/'));
    });
    await expect(prebuiltWorkflowBundle(foreign)).rejects.toThrow(`${foreign} was not built from ${workflowsPath}`);
    const plain = join(scratch, 'plain.js');
    writeFileSync(plain, 'module.exports = {};\n');
    await expect(prebuiltWorkflowBundle(plain)).rejects.toThrow(/plain\.js is not a workflow bundle built by npm run build:workflows/);
  });

  it('at start, with one line and exit code 1, before connecting to anything', async () => {
    const missing = join(scratch, 'missing.js');
    const env = { PATH: process.env.PATH, DATA_DIR: join(scratch, 'data'), TEMPORAL_ADDRESS: '127.0.0.1:1', WORKFLOW_BUNDLE_PATH: missing };
    const started = run(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: repoRoot, env, timeout: 30_000 });
    await expect(started).rejects.toMatchObject({
      code: 1,
      stderr: `[worker] WORKFLOW_BUNDLE_PATH names ${missing}, which does not exist: rebuild it (npm run build:workflows -- ${missing}) or unset WORKFLOW_BUNDLE_PATH.\n`,
    });
  });

  it('and runs one that is fresh', async () => {
    const copy = join(scratch, 'copy.js');
    copyFileSync(bundle, copy);
    await expect(prebuiltWorkflowBundle(copy)).resolves.toEqual({ codePath: copy });
  });
});
