/**
 * The apps' compiled JavaScript (`npm run build:apps`, run by `npm start`, the bench and the chaos
 * run): every module of the apps' folders, each relative import found in the output; the compiled
 * worker starts and checks its bundle against the TypeScript sources, the compiled web serves its
 * static files from the checkout, the codec server's module graph loads. Their real work runs in
 * the suites that start them through the stack (the small chaos run, two of each, the Temporal UI).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRIES, APP_FOLDERS, APP_NODE_FLAGS } from '../../dev/stack/compiled.js';
import { repoRoot } from '../../dev/stack/paths.js';
import { WORKER_NODE_FLAGS } from '../../worker/process-settings.js';

const run = promisify(execFile);
// Inside the checkout, as dist/js is: node finds node_modules/ and the package.json above it.
const outDir = join(process.env.DATA_DIR!, `compiled-apps-${process.pid}`);
const compiledFiles = () => readdirSync(outDir, { recursive: true, encoding: 'utf8' });

/** What a compiled module exports, printed by a node of its own as JSON. */
async function exportsOf(module: string, expression: string): Promise<unknown> {
  const code = `const m = await import(${JSON.stringify(join(outDir, module))}); console.log(JSON.stringify(${expression}));`;
  const { stdout } = await run(process.execPath, [...APP_NODE_FLAGS, '--input-type=module', '-e', code], { cwd: repoRoot });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'dev/scripts/build-apps.ts', outDir], { cwd: repoRoot });
  expect(stdout).toMatch(/apps compiled to .*compiled-apps-\d+ \(\d+ modules\) in \d+\.\d s/);
}, 60_000);

describe('npm run build:apps', () => {
  it('compiles every module of the apps folders, with its source map, and copies the CommonJS one', () => {
    const files = new Set(compiledFiles());
    for (const folder of APP_FOLDERS) {
      const sources = readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
      for (const source of sources) {
        const js = join(folder, source.replace(/\.tsx?$/, '.js'));
        expect(files.has(js), js).toBe(true);
        expect(files.has(`${js}.map`), `${js}.map`).toBe(true);
      }
    }
    expect(files.has(join('codec', 'failure-converter.cjs'))).toBe(true);
    for (const entry of Object.values(APP_ENTRIES)) expect(files.has(entry), entry).toBe(true);
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

  it('gives a worker that starts and refuses a missing bundle with the one line the worker from tsx says', async () => {
    const missing = join(outDir, 'missing.js');
    const env = { PATH: process.env.PATH, DATA_DIR: join(outDir, 'data'), TEMPORAL_ADDRESS: '127.0.0.1:1', WORKFLOW_BUNDLE_PATH: missing };
    const started = run(process.execPath, [...WORKER_NODE_FLAGS, ...APP_NODE_FLAGS, join(outDir, APP_ENTRIES.worker)], {
      cwd: repoRoot,
      env,
      timeout: 30_000,
    });
    await expect(started).rejects.toMatchObject({
      code: 1,
      stderr: `[worker] WORKFLOW_BUNDLE_PATH names ${missing}, which does not exist: rebuild it (npm run build:workflows -- ${relative(repoRoot, missing)}) or unset WORKFLOW_BUNDLE_PATH.\n`,
    });
  });

  it('finds in the checkout what is not code: the workflow sources the bundle is checked against, the static files', async () => {
    expect(await exportsOf(join('worker', 'workflow-bundle.js'), 'm.workflowsPath')).toBe(join(repoRoot, 'workflows', 'index.ts'));
    const app = (await exportsOf(join('web', 'assets.js'), 'm.STATIC_DIRS.app')) as string;
    expect(existsSync(join(app, 'enhance.js')) && existsSync(join(app, 'app.css'))).toBe(true);
  });

  it("loads the web's and the codec server's whole module graphs", async () => {
    expect(await exportsOf(join('web', 'app.js'), 'Object.keys(m).length > 0')).toBe(true);
    expect(await exportsOf(join('codec', 'server', 'app.js'), 'Object.keys(m).length > 0')).toBe(true);
  });
});
