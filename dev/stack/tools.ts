import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StackError } from './errors.js';
import { toolsBin } from './paths.js';

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds a server's executable: the one dev/tools/setup.sh built in .tools/bin first (its version is
 * pinned), else one on PATH (a user's own install, e.g. a `temporal` CLI).
 */
export function locateTool(name: string, searchPath: string | undefined = process.env.PATH): string {
  const candidates = [toolsBin, ...(searchPath ?? '').split(delimiter).filter(Boolean)];
  for (const dir of candidates) {
    const path = join(dir, name);
    if (isExecutable(path)) return path;
  }
  throw new StackError(`'${name}' was found neither in .tools/bin nor on PATH: run \`bash dev/tools/setup.sh\` first.`);
}
