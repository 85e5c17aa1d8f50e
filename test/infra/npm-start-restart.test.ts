/**
 * `npm start` survives what it can: its supervisor (dev/scripts/start.ts, on ports of its own)
 * restarts a worker, a web process and an embedded server killed with SIGKILL, logs each restart,
 * and the portal answers again; Ctrl-C then stops everything, nothing left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../dev/stack/process.js';
import { pidFileFor, repoRoot } from '../../dev/stack/paths.js';
import { testDataDir } from '../support/test-env.js';
import { freePort } from '../support/ports.js';

const dataDir = join(testDataDir(process.env), 'npm-start');
let supervisor: ChildProcess;
let output = '';
let portalUrl: string;
const exited = () => supervisor.exitCode !== null || supervisor.signalCode !== null;

/** The pid a service of this run's stack is running as now (its pid file's first field). */
function pidOf(service: string): number | undefined {
  const file = pidFileFor(dataDir, service);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split(' ')[0]) : undefined;
}

beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  const [temporal, temporalUi, registry, smtp, mailpitUi, codec, web, redis] = await Promise.all(Array.from({ length: 8 }, freePort));
  portalUrl = `http://localhost:${web}`;
  const { MONGODB_URI: _mongo, REDIS_URL: _redis, ...outer } = process.env; // the embedded ones, on this run's ports
  const env: NodeJS.ProcessEnv = {
    ...outer,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    TEMPORAL_PORT: String(temporal),
    TEMPORAL_UI_PORT: String(temporalUi),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    REGISTRY_PORT: String(registry),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp),
    MAILPIT_UI_PORT: String(mailpitUi),
    CODEC_SERVER_PORT: String(codec),
    WEB_PORT: String(web),
    REDIS_PORT: String(redis),
    PUBLIC_BASE_URL: portalUrl,
  };
  supervisor = spawn(process.execPath, ['--import', 'tsx', 'dev/scripts/start.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  supervisor.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  supervisor.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const ready = () => output.includes('[stack] ready.') && resolve();
    supervisor.stdout!.on('data', ready);
    supervisor.once('exit', () => reject(new Error(`npm start exited before it was ready:\n${output}`)));
  });
}, 260_000);

afterAll(async () => {
  if (supervisor && !exited()) {
    supervisor.kill('SIGINT');
    await new Promise((resolve) => supervisor.once('exit', resolve));
  }
});

describe('npm start, when its processes die', () => {
  it('restarts the worker, the web process and an embedded server, says so, and the portal answers again', async () => {
    const killed = { worker: pidOf('worker')!, web: pidOf('web')!, mailpit: pidOf('mailpit')! };
    for (const pid of Object.values(killed)) process.kill(pid, 'SIGKILL');

    for (const name of Object.keys(killed)) {
      await expect.poll(() => output.includes(`[stack] ${name} is back`) || exited(), { timeout: 90_000, interval: 250 }).toBe(true);
      expect(output).toContain(`[stack] ${name} was killed by SIGKILL; restarting it in 1 s (restart 1 in a row).`);
    }
    expect(exited()).toBe(false);
    for (const [name, pid] of Object.entries(killed)) {
      expect(pidOf(name)).not.toBe(pid);
      expect(isAlive(pidOf(name)!)).toBe(true);
    }
    const page = await fetch(`${portalUrl}/`);
    expect(page.status).toBe(200);
  }, 120_000);

  it('stops everything on Ctrl-C, restarted processes included', async () => {
    const running = ['worker', 'web', 'mailpit', 'temporal', 'redis', 'codec-server'].map((name) => pidOf(name)!);
    expect(running.every(isAlive)).toBe(true);
    supervisor.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => supervisor.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(output).toContain('[stack] stopped.');
    expect(running.filter(isAlive)).toEqual([]);
  }, 60_000);
});
