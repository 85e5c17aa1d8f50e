/**
 * The worker's compiled JavaScript (`npm run build:worker`, run by `npm start` and the bench): every
 * module of the worker's folders, each relative import found in the output, and the compiled worker
 * starts, checking its bundle against the TypeScript sources as the worker from tsx does. Its real
 * renewals run in the suites that start it through the stack (the small chaos run, two of each).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../dev/stack/paths.js';
import { WORKER_NODE_FLAGS } from '../../worker/process-settings.js';
import { compiledWorkerEntry, WORKER_FOLDERS } from '../../worker/compiled.js';

const run = promisify(execFile);
// Inside the checkout, as dist/js is: node finds node_modules/ and the package.json above it.
const outDir = join(process.env.DATA_DIR!, `compiled-worker-${process.pid}`);
const compiledFiles = () => readdirSync(outDir, { recursive: true, encoding: 'utf8' });

beforeAll(async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'dev/scripts/build-worker.ts', outDir], { cwd: repoRoot });
  expect(stdout).toMatch(/worker compiled to .*compiled-worker-\d+ \(\d+ modules\) in \d+\.\d s/);
}, 60_000);

describe('npm run build:worker', () => {
  it('compiles every module of the worker folders, with its source map, and copies the CommonJS one', () => {
    const files = new Set(compiledFiles());
    for (const folder of WORKER_FOLDERS) {
      const sources = readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
      for (const source of sources) {
        const js = join(folder, source.replace(/\.tsx?$/, '.js'));
        expect(files.has(js), js).toBe(true);
        expect(files.has(`${js}.map`), `${js}.map`).toBe(true);
      }
    }
    expect(files.has(join('codec', 'failure-converter.cjs'))).toBe(true);
  });

  it('leaves no relative import pointing outside what it compiled', () => {
    const unresolved: string[] = [];
    for (const file of compiledFiles().filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(outDir, file), 'utf8');
      for (const [, specifier] of code.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
        if (!existsSync(resolve(outDir, dirname(file), specifier!))) unresolved.push(`${file} → ${specifier}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('starts: the whole module graph loads, and it refuses a missing bundle named from the TypeScript sources', async () => {
    const missing = join(outDir, 'missing.js');
    const env = { PATH: process.env.PATH, DATA_DIR: join(outDir, 'data'), TEMPORAL_ADDRESS: '127.0.0.1:1', WORKFLOW_BUNDLE_PATH: missing };
    const started = run(process.execPath, [...WORKER_NODE_FLAGS, compiledWorkerEntry(outDir)], { cwd: repoRoot, env, timeout: 30_000 });
    await expect(started).rejects.toMatchObject({
      code: 1,
      stderr: `[worker] WORKFLOW_BUNDLE_PATH names ${missing}, which does not exist: rebuild it (npm run build:workflows -- ${relative(repoRoot, missing)}) or unset WORKFLOW_BUNDLE_PATH.\n`,
    });
  });

  it('checks a bundle against the TypeScript sources, not against its own folder', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(outDir, 'worker', 'workflow-bundle.js'))}); console.log(m.workflowsPath);`,
      ],
      { cwd: repoRoot },
    );
    expect(stdout.trim()).toBe(join(repoRoot, 'workflows', 'index.ts'));
  });
});
