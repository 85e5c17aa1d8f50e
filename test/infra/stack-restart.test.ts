/**
 * The stack brings back what dies once started (a worker, a web process, an embedded server), with
 * a back-off, and says so; it gives up on a crash loop, never restarts during a stop, and a start
 * that fails (a port in use) still fails at once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, type ManagedProcess } from '../../dev/stack/process.js';
import type { RestartPolicy } from '../../dev/stack/restart-policy.js';
import { Stack, type ServiceSpec } from '../../dev/stack/stack.js';
import { answersTcp } from '../../dev/stack/ports.js';
import { tcpProbe } from '../../dev/stack/wait.js';
import { freePort } from '../support/ports.js';

const stacks: Stack[] = [];
const held: Server[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.stop()));
  for (const server of held.splice(0)) server.close();
});

const scratch = () => mkdtempSync(join(tmpdir(), 'stack-restart-'));

const fast: RestartPolicy = { initialDelayMs: 200, maxDelayMs: 800, healthyAfterMs: 60_000, maxRestartsInARow: 3 };

/** A stack under `policy` whose log lines and reported deaths the test reads. */
function supervisedStack(policy: RestartPolicy = fast) {
  const lines: string[] = [];
  const deaths: Error[] = [];
  const stack = new Stack(scratch(), { restart: policy, log: (line) => lines.push(line) });
  stack.onUnexpectedExit((error) => deaths.push(error));
  stacks.push(stack);
  return { stack, lines, deaths };
}

/** A TCP server on `port`; once `breakFile` exists, every later start fails at once. */
function listener(name: string, port: number, breakFile = '/nonexistent/never'): ServiceSpec {
  const script = `if (require('fs').existsSync(${JSON.stringify(breakFile)})) { console.error('config broken'); process.exit(2) }
    require('net').createServer().listen(${port}, '127.0.0.1')`;
  return {
    name,
    command: process.execPath,
    args: ['-e', script],
    ports: [{ port, variable: `${name.toUpperCase()}_PORT` }],
    probe: tcpProbe(port),
    readyTimeoutMs: 5_000,
    stopGraceMs: 2_000,
    layer: 0,
  };
}

const only = (stack: Stack): ManagedProcess => stack.processes[0]!;

describe('a service that dies once started', () => {
  it('is restarted after a back-off, says so, and answers again on its port', async () => {
    const { stack, lines, deaths } = supervisedStack();
    const port = await freePort();
    await stack.start([listener('api', port)]);
    const first = only(stack).pid!;

    process.kill(first, 'SIGKILL');
    await expect.poll(() => lines.some((l) => l.startsWith('api is back')), { timeout: 10_000 }).toBe(true);

    expect(lines[0]).toBe('api was killed by SIGKILL; restarting it in 0.2 s (restart 1 in a row).');
    const second = only(stack).pid!;
    expect(second).not.toBe(first);
    expect(isAlive(second)).toBe(true);
    expect(await answersTcp(port)).toBe(true);
    expect(deaths).toEqual([]);
  });

  it('waits twice as long at each restart in a row, and once healthy again starts from the first wait', async () => {
    const { stack, lines } = supervisedStack({ ...fast, maxRestartsInARow: 5, healthyAfterMs: 1_500 });
    const port = await freePort();
    await stack.start([listener('api', port)]);
    const killAndWaitBack = async () => {
      const backs = lines.filter((l) => l.startsWith('api is back')).length;
      process.kill(only(stack).pid!, 'SIGKILL');
      await expect.poll(() => lines.filter((l) => l.startsWith('api is back')).length > backs, { timeout: 10_000 }).toBe(true);
    };
    await killAndWaitBack();
    await killAndWaitBack();
    const healthySince = Date.now();
    await expect.poll(() => Date.now() - healthySince > 1_600, { timeout: 5_000 }).toBe(true);
    await killAndWaitBack();

    const waits = lines.filter((l) => l.includes('restarting it in')).map((l) => l.replace(/^.*restarting it in /, ''));
    expect(waits).toEqual(['0.2 s (restart 1 in a row).', '0.4 s (restart 2 in a row).', '0.2 s (restart 1 in a row).']);
  });

  it('gives up on a crash loop and reports the death with the last log lines', async () => {
    const { stack, lines, deaths } = supervisedStack();
    const port = await freePort();
    const breakFile = join(scratch(), 'broken');
    await stack.start([listener('api', port, breakFile)]);
    writeFileSync(breakFile, ''); // from now on it exits at once
    process.kill(only(stack).pid!, 'SIGKILL');

    await expect.poll(() => deaths.length > 0, { timeout: 15_000 }).toBe(true);
    expect(lines.filter((l) => l.includes('restarting it in'))).toHaveLength(3);
    expect(lines.at(-1)).toBe('api crashed 3 times in a row after restarts: giving up.');
    expect(deaths[0]!.message).toMatch(/api exited with code 2 before answering[\s\S]*config broken/);
    expect(deaths).toHaveLength(1);
  });

  it('is not restarted by a stack that is stopping: stop() ends the back-off wait at once', async () => {
    const { stack, lines } = supervisedStack({ ...fast, initialDelayMs: 60_000 });
    const port = await freePort();
    await stack.start([listener('api', port)]);
    const first = only(stack);
    process.kill(first.pid!, 'SIGKILL');
    await expect.poll(() => lines.length > 0, { timeout: 5_000 }).toBe(true);

    const stopStarted = Date.now();
    await stack.stop();
    expect(Date.now() - stopStarted).toBeLessThan(5_000);
    expect(only(stack)).toBe(first);
    expect(await answersTcp(port)).toBe(false);
  });
});

describe('a start that fails, under a restart policy', () => {
  it('still stops at once on a port in use, with the message naming its variable', async () => {
    const { stack, lines } = supervisedStack();
    const server = createServer();
    held.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    await expect(stack.start([listener('api', port)])).rejects.toThrow(`Port ${port} is already in use: change API_PORT.`);
    expect(stack.processes).toHaveLength(0);
    expect(lines).toEqual([]);
  });

  it('is not retried when the service dies before it answered', async () => {
    const { stack, lines } = supervisedStack();
    const port = await freePort();
    const breakFile = join(scratch(), 'broken');
    writeFileSync(breakFile, '');
    await expect(stack.start([listener('api', port, breakFile)])).rejects.toThrow(/api exited with code 2 before answering/);
    expect(lines).toEqual([]);
  });
});
