import { join } from 'node:path';
import { sourceRoot } from '../../config/source-root.js';

/** The repository root: one answer for the dev tools and the apps (config/source-root.ts). */
export const repoRoot = sourceRoot;

/** Where dev/tools/setup.sh puts what it builds. */
export const toolsBin = join(repoRoot, '.tools', 'bin');

/** Where each service writes its log: <dataDir>/logs/<name>.log. */
export const logFileFor = (dataDir: string, name: string) => join(dataDir, 'logs', `${name}.log`);

/** Where each running service's pid file lives: <dataDir>/run/<name>.pid. */
export const pidFileFor = (dataDir: string, name: string) => join(dataDir, 'run', `${name}.pid`);
