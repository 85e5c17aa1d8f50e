/** The stack's bad cases: a port in use, a server that never answers or dies, a half-started stack. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mailpit } from '../../dev/stack/servers.js';
import { isAlive } from '../../dev/stack/process.js';
import { Stack, type ServiceSpec } from '../../dev/stack/stack.js';
import { tcpProbe } from '../../dev/stack/wait.js';
import { testConfig } from '../support/config.js';
import { testVariable } from '../support/test-env.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A port held by this test process. */
async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const port = await occupiedPort();
  servers.pop()!.close();
  return port;
}

const scratch = () => mkdtempSync(join(tmpdir(), 'stack-test-'));

const shell = (name: string, script: string, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  command: 'bash',
  args: ['-c', script],
  ports: [],
  layer: 0,
  stopGraceMs: 2_000,
  ...extra,
});

describe('a port already in use', () => {
  it('stops the start with one message naming the port and its variable, before starting anything', async () => {
    const port = await occupiedPort();
    const config = testConfig({ DATA_DIR: scratch(), SMTP_PORT: String(port) });
    const stack = new Stack(config.dataDir);
    await expect(stack.start([mailpit(config)])).rejects.toThrow(`Port ${port} is already in use: change SMTP_PORT.`);
    expect(stack.processes).toHaveLength(0);
  });

  it('names the TEST_ variable under the test setup', async () => {
    const port = await occupiedPort();
    const config = testConfig({ DATA_DIR: scratch(), SMTP_PORT: String(await freePort()), MAILPIT_UI_PORT: String(port) });
    await expect(new Stack(config.dataDir).start([mailpit(config, testVariable)])).rejects.toThrow(
      `Port ${port} is already in use: change TEST_MAILPIT_UI_PORT.`,
    );
  });
});

describe('a server that does not come up', () => {
  it('fails after its timeout with its log tail, and is stopped', async () => {
    const stack = new Stack(scratch());
    const port = await freePort();
    const failure = stack.start([
      shell('mute', 'echo "listening soon, promised"; sleep 60', { probe: tcpProbe(port), readyTimeoutMs: 1_000 }),
    ]);
    await expect(failure).rejects.toThrow(/mute did not answer on its port within 1 s[\s\S]*listening soon, promised/);
    expect(isAlive(stack.processes[0]!.pid!)).toBe(false);
  });

  it('fails at once with its log tail when it dies while starting', async () => {
    const stack = new Stack(scratch());
    const port = await freePort();
    const failure = stack.start([
      shell('crashy', 'echo "fatal: no such table" >&2; exit 3', { probe: tcpProbe(port), readyTimeoutMs: 30_000 }),
    ]);
    await expect(failure).rejects.toThrow(/crashy exited with code 3 before answering[\s\S]*fatal: no such table/);
  });

  it('fails with its log tail when a service with no port dies right after starting', async () => {
    const stack = new Stack(scratch());
    const failure = stack.start([shell('worker-like', 'echo "SyntaxError: bad import" >&2; exit 1', { settleMs: 5_000 })]);
    await expect(failure).rejects.toThrow(/worker-like exited with code 1 while starting[\s\S]*SyntaxError: bad import/);
  });

  it('stops the servers already started when another one fails half-way', async () => {
    const dataDir = scratch();
    const stack = new Stack(dataDir);
    const [good, bad] = [await freePort(), await freePort()];
    const failure = stack.start([
      {
        name: 'good',
        command: process.execPath,
        args: ['-e', `require('net').createServer().listen(${good}, '127.0.0.1')`],
        ports: [{ port: good, variable: 'GOOD_PORT' }],
        probe: tcpProbe(good),
        layer: 0,
      },
      shell('bad', 'sleep 1; exit 1', { probe: tcpProbe(bad) }),
    ]);
    await expect(failure).rejects.toThrow(/bad exited with code 1/);
    const [goodProc] = stack.processes.filter((p) => p.name === 'good');
    expect(isAlive(goodProc!.pid!)).toBe(false);
  });
});

describe('stopping', () => {
  it('leaves no process of the group behind', async () => {
    const dataDir = scratch();
    const pidFile = join(dataDir, 'grandchild.pid');
    const stack = new Stack(dataDir);
    const port = await freePort();
    await stack.start([
      shell(
        'parent',
        `sleep 300 & echo $! > ${pidFile}; exec ${process.execPath} -e "require('net').createServer().listen(${port}, '127.0.0.1')"`,
        {
          probe: tcpProbe(port),
        },
      ),
    ]);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    await stack.stop();
    expect(isAlive(stack.processes[0]!.pid!)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });
});
