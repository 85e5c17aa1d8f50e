import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import { formatTail } from './log-tail.js';
import type { ManagedProcess } from './process.js';
import { answersTcp } from './ports.js';

/** One readiness probe: resolves true once the service answers. Errors count as "not yet". */
export type Probe = () => Promise<boolean>;

export const tcpProbe =
  (port: number, host = '127.0.0.1'): Probe =>
  () =>
    answersTcp(port, host);

/** Ready when a GET answers with a 2xx status. */
export const httpProbe =
  (url: string): Probe =>
  async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  };

export const allProbes =
  (...probes: Probe[]): Probe =>
  async () => {
    for (const probe of probes) if (!(await probe())) return false;
    return true;
  };

/**
 * Polls `probe` until it succeeds. Fails with the process's log tail when the process exits first
 * or when `timeoutMs` passes (never a silent hang).
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: Probe,
  timeoutMs: number,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    if (signal?.aborted) throw new StackError(`${proc.name}: start cancelled`);
    if (exited) {
      throw new StackError(`${proc.name} ${proc.exitDescription} before answering on ${what}.\n${formatTail(proc.logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() >= deadline) {
      throw new StackError(`${proc.name} did not answer on ${what} within ${Math.round(timeoutMs / 1000)} s.\n${formatTail(proc.logFile)}`);
    }
    await sleep(100);
  }
}

/**
 * For a service with nothing to probe (the worker): started once it has stayed up `ms`, so that a
 * crash at start (a bad import, a bad configuration) fails the start with its log tail.
 */
export async function waitStaysUp(proc: ManagedProcess, ms: number, signal?: AbortSignal): Promise<void> {
  const aborted = new Promise<'aborted'>((resolve) => signal?.addEventListener('abort', () => resolve('aborted')));
  const outcome = await Promise.race([proc.exited.then(() => 'exited' as const), sleep(ms).then(() => 'up' as const), aborted]);
  if (outcome === 'aborted') throw new StackError(`${proc.name}: start cancelled`);
  if (outcome === 'exited') throw new StackError(`${proc.name} ${proc.exitDescription} while starting.\n${formatTail(proc.logFile)}`);
}
