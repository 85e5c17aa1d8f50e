/** Runs one of the project's dev commands (`dev/<name>/main.ts`: bench, chaos) as `npm run` would, and collects what it printed. */
import { spawn } from 'node:child_process';
import { repoRoot } from '../../dev/stack/paths.js';

export function runDevCommand(name: 'bench' | 'chaos', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `dev/${name}/main.ts`, ...args], { cwd: repoRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
