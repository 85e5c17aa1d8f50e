/**
 * The workflow code as one prebuilt webpack bundle. Bundling inside the worker keeps webpack's
 * memory in it for good (273 against 155 MiB idle, docs/performance.md): `npm start`, the bench and
 * the Docker image build the bundle beforehand, in a process of its own (dev/scripts/build-workflows.ts),
 * and the worker loads it (WORKFLOW_BUNDLE_PATH). A bundle that is missing, was built from another
 * folder or from workflow code that has changed since is refused: it never runs silently.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../codec/data-converter.js';
import { sourceRoot as repoRoot } from '../config/source-root.js';

/**
 * What gets bundled: every workflow the worker runs is exported from here. The TypeScript source,
 * even for a worker run from its compiled copy (dev/stack/compiled.ts), which checks the bundle against it.
 */
export const workflowsPath = join(repoRoot, 'workflows', 'index.ts');
/** The workflows and the failure converter they encode failures with (codec/data-converter.ts). */
export const workflowBundleOptions = { workflowsPath, failureConverterPath };

/**
 * Where `npm run build:workflows` writes by default (the Docker image's bundle). dist/ is ignored by
 * git, and out of the image's /data volume, which would hide it. `npm start` and the bench build
 * theirs under their own data folder instead (dev/stack/apps.ts), so that stacks running side by side in
 * one checkout never replace each other's bundle.
 */
export const defaultWorkflowBundleFile = join(repoRoot, 'dist', 'workflow-bundle.js');

export class WorkflowBundleError extends Error {
  override name = 'WorkflowBundleError';
}

/** Bundles workflows/ and writes the bundle to `outFile` (whole or not at all: written aside, then renamed). */
export async function buildWorkflowBundle(
  outFile: string,
  logger?: Parameters<typeof bundleWorkflowCode>[0]['logger'],
): Promise<{ bytes: number }> {
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions, logger });
  mkdirSync(dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, outFile);
  return { bytes: Buffer.byteLength(code) };
}

const rebuild = (path: string) => {
  const shown = path.startsWith(`${process.cwd()}${sep}`) ? relative(process.cwd(), path) : path;
  return `rebuild it (npm run build:workflows -- ${shown}) or unset WORKFLOW_BUNDLE_PATH`;
};

/**
 * The worker's `workflowBundle` option for a bundle built by buildWorkflowBundle, once checked: the
 * file exists, holds this checkout's workflows/index.ts, and every source file it was built from
 * (the inline source map keeps their text) still reads the same on disk.
 */
export async function prebuiltWorkflowBundle(path: string, entry: string = workflowsPath): Promise<{ codePath: string }> {
  if (!existsSync(path)) {
    throw new WorkflowBundleError(`WORKFLOW_BUNDLE_PATH names ${path}, which does not exist: ${rebuild(path)}.`);
  }
  const sources = sourcesOf(await readFile(path, 'utf8'));
  if (!sources) {
    throw new WorkflowBundleError(
      `${path} is not a workflow bundle built by npm run build:workflows (no inline source map): ${rebuild(path)}.`,
    );
  }
  if (!sources.some((s) => s.path === entry)) {
    throw new WorkflowBundleError(`${path} was not built from ${entry}: ${rebuild(path)}.`);
  }
  const changed = sources
    .filter((s) => isAbsolute(s.path) && existsSync(s.path) && readFileSync(s.path, 'utf8') !== s.content)
    .map((s) => relative(repoRoot, s.path));
  if (changed.length > 0) {
    const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
    throw new WorkflowBundleError(`The workflow bundle ${path} is stale: ${shown} changed since it was built; ${rebuild(path)}.`);
  }
  return { codePath: path };
}

/** The source files of a bundle and their text at build time, from its inline source map. */
function sourcesOf(code: string): { path: string; content: string | undefined }[] | undefined {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  const comma = code.indexOf(',', at);
  if (at < 0 || comma < 0 || !code.slice(at, comma).endsWith(';base64')) return undefined;
  try {
    const map = JSON.parse(Buffer.from(code.slice(comma + 1).trim(), 'base64').toString('utf8')) as {
      sources?: string[];
      sourcesContent?: (string | null)[];
    };
    if (!Array.isArray(map.sources) || !Array.isArray(map.sourcesContent)) return undefined;
    return map.sources.map((path, i) => ({ path, content: map.sourcesContent![i] ?? undefined }));
  } catch {
    return undefined;
  }
}
