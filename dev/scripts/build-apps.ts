/**
 * `npm run build:worker [-- <folder>]`: compiles the worker's TypeScript to JavaScript (esbuild, one
 * file per module, the repository's layout, source maps beside them) into <folder>, dist/js by
 * default, for `node --enable-source-maps <folder>/worker/main.js`. Run from JavaScript, the worker
 * has no tsx loader thread (its own V8 isolate) and compiles nothing at start: docs/performance.md.
 * `npm start` and the bench run it at every start, the Docker image at build.
 */
import { relative, resolve } from 'node:path';
import { buildWorker, defaultWorkerBuildDir } from '../../worker/compiled.js';

const [target, ...rest] = process.argv.slice(2);
if (rest.length > 0 || target?.startsWith('-')) {
  console.error('usage: npm run build:worker [-- <output folder>]   (default: dist/js)');
  process.exit(2);
}
const outDir = target ? resolve(target) : defaultWorkerBuildDir;

const started = performance.now();
const { files } = await buildWorker(outDir);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`worker compiled to ${relative(process.cwd(), outDir) || outDir} (${files} modules) in ${seconds} s`);
