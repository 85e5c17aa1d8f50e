/**
 * The worker as JavaScript: its folders compiled by esbuild, one file per module in the
 * repository's layout (so relative imports and codec/failure-converter.cjs stay where they were),
 * source maps beside them. Run by `node --enable-source-maps <folder>/worker/main.js`: no tsx loader,
 * whose hooks run in a thread of their own with its own V8 isolate (docs/performance.md).
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sourceRoot } from './source-root.js';

/** What the worker's imports reach (a test checks that nothing in them imports from elsewhere). */
export const WORKER_FOLDERS = ['activities', 'adapters', 'client', 'codec', 'config', 'copy', 'domain', 'worker', 'workflows'] as const;

/** dist/ is ignored by git and out of the Docker image's /data volume. */
export const defaultWorkerBuildDir = join(sourceRoot, 'dist', 'js');

/** The compiled worker's entry point in a folder buildWorker wrote. */
export const compiledWorkerEntry = (outDir: string) => join(outDir, 'worker', 'main.js');

const MODULE = /\.(ts|tsx|cjs)$/;

function modules(): string[] {
  return WORKER_FOLDERS.flatMap((folder) =>
    readdirSync(join(sourceRoot, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => MODULE.test(file) && !file.endsWith('.d.ts'))
      .map((file) => join(sourceRoot, folder, file)),
  );
}

/** Compiles the worker's folders into `outDir`, whole or not at all (written aside, then renamed). */
export async function buildWorker(outDir: string): Promise<{ files: number }> {
  const entryPoints = modules();
  const partial = `${outDir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: partial,
    outbase: sourceRoot,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    loader: { '.cjs': 'copy' },
    tsconfig: join(sourceRoot, 'tsconfig.json'),
    logLevel: 'warning',
  });
  if (existsSync(outDir)) rmSync(outDir, { recursive: true });
  renameSync(partial, outDir);
  return { files: entryPoints.length };
}
