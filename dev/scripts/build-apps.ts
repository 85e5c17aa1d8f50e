/**
 * `npm run build:apps [-- <folder>]`: compiles the worker, the web and the codec server to
 * JavaScript (dev/stack/compiled.ts) into <folder>, dist/js by default, for
 * `node --enable-source-maps <folder>/<app>/main.js`. `npm start`, the bench and the chaos run
 * build it at every start, the Docker image at build.
 */
import { relative, resolve } from 'node:path';
import { buildApps, defaultAppsBuildDir } from '../stack/compiled.js';

const [target, ...rest] = process.argv.slice(2);
if (rest.length > 0 || target?.startsWith('-')) {
  console.error('usage: npm run build:apps [-- <output folder>]   (default: dist/js)');
  process.exit(2);
}
const outDir = target ? resolve(target) : defaultAppsBuildDir;

const started = performance.now();
const { files } = await buildApps(outDir);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`apps compiled to ${relative(process.cwd(), outDir) || outDir} (${files} modules) in ${seconds} s`);
