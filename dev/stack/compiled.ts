/**
 * The apps as JavaScript: the folders of the worker, the web and the codec server compiled by
 * esbuild, one file per module in the repository's layout (so relative imports and
 * codec/failure-converter.cjs stay where they were), source maps beside them. Each app runs as
 * `node --enable-source-maps <folder>/<app>/main.js`: no tsx loader, whose hooks run in a thread of
 * their own with its own V8 isolate, and nothing compiled at start (docs/performance.md). Files that
 * are not code (the web's static assets, the workflow sources the bundle is checked against) are
 * read from the checkout, found by config/source-root.ts.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sourceRoot } from '../../config/source-root.js';

/** What the apps' imports reach (test/infra/compiled-apps.test.ts checks that none reaches further). */
export const APP_FOLDERS = ['activities', 'adapters', 'client', 'codec', 'config', 'copy', 'domain', 'web', 'worker', 'workflows'] as const;

/** Each app's entry point, from the root of a folder buildApps wrote. */
export const APP_ENTRIES = {
  worker: join('worker', 'main.js'),
  web: join('web', 'main.js'),
  codecServer: join('codec', 'server', 'main.js'),
} as const;

/** How a compiled app runs: its stack traces name the TypeScript, as under tsx. */
export const APP_NODE_FLAGS = ['--enable-source-maps'] as const;

/** dist/ is ignored by git and out of the Docker image's /data volume. */
export const defaultAppsBuildDir = join(sourceRoot, 'dist', 'js');

const MODULE = /\.(ts|tsx|cjs)$/;

function modules(): string[] {
  return APP_FOLDERS.flatMap((folder) =>
    readdirSync(join(sourceRoot, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => MODULE.test(file) && !file.endsWith('.d.ts'))
      .map((file) => join(sourceRoot, folder, file)),
  );
}

/** Compiles the apps' folders into `outDir`, whole or not at all (written aside, then renamed). */
export async function buildApps(outDir: string): Promise<{ files: number }> {
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
