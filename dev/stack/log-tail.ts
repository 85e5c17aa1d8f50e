import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Starts each run's section of a service log (logs are appended across runs). */
export const RUN_HEADER = '=== start';

/**
 * The last `lines` lines of a (possibly large) log file, from the latest run only, or '' when it
 * cannot be read.
 */
export function tailFile(path: string, lines = 30, maxBytes = 64 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    const lastRun = text.lastIndexOf(`\n${RUN_HEADER} `);
    return (lastRun >= 0 ? text.slice(lastRun + 1) : text).replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The tail of a log, indented, with a heading naming the file. */
export function formatTail(path: string, lines = 30): string {
  const tail = tailFile(path, lines);
  return tail ? `Last lines of ${path}:\n${tail.replace(/^/gm, '  | ')}` : `(${path} is empty)`;
}
