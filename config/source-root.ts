/**
 * The folder the code runs from (the checkout, or /app in the image): the one holding its
 * package.json, found upwards from this module. The same answer from the TypeScript sources and from
 * their compiled copy (dev/stack/compiled.ts), whose layout puts it a few folders lower.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDirectorySync } from 'package-directory';

const found = packageDirectorySync({ cwd: dirname(fileURLToPath(import.meta.url)) });
if (!found) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
export const sourceRoot: string = found;
