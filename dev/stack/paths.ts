import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/dev/stack/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where dev/tools/setup.sh puts what it builds. */
export const toolsBin = join(repoRoot, '.tools', 'bin');

/** Where each service writes its log: <dataDir>/logs/<name>.log. */
export const logFileFor = (dataDir: string, name: string) => join(dataDir, 'logs', `${name}.log`);

/** Where each running service's pid file lives: <dataDir>/run/<name>.pid. */
export const pidFileFor = (dataDir: string, name: string) => join(dataDir, 'run', `${name}.pid`);
