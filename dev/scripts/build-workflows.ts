/**
 * `npm run build:workflows [-- <file>]`: bundles the workflow code (webpack, in this short-lived
 * process) into <file>, dist/workflow-bundle.js by default, for a worker started with
 * WORKFLOW_BUNDLE_PATH=<file>. `npm start` and the bench run it at every start.
 */
import { relative, resolve } from 'node:path';
import { buildWorkflowBundle, defaultWorkflowBundleFile } from '../../worker/workflow-bundle.js';

const [target, ...rest] = process.argv.slice(2);
if (rest.length > 0 || target?.startsWith('-')) {
  console.error('usage: npm run build:workflows [-- <output file>]   (default: dist/workflow-bundle.js)');
  process.exit(2);
}
const outFile = target ? resolve(target) : defaultWorkflowBundleFile;
const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn: console.warn, error: console.error };

const started = performance.now();
const { bytes } = await buildWorkflowBundle(outFile, quiet);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`workflow bundle ${relative(process.cwd(), outFile) || outFile} (${(bytes / 2 ** 20).toFixed(1)} MiB) built in ${seconds} s`);
