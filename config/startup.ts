/**
 * How an entry point starts: a bad setting or a server out of reach is one line naming what and
 * which variable to check, then exit code 1 (the supervisor, npm start or compose, starts it again);
 * never a stack trace.
 */
import { ConfigError } from './secrets.js';

export class StartupError extends Error {
  override name = 'StartupError';
}

/** Connects to a server the process needs, or says which one could not be reached. */
export async function reach<T>(what: string, address: string, variable: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    const reason = String((err as Error)?.message ?? err).split('\n')[0];
    throw new StartupError(`cannot reach ${what} at ${address} (${variable}): ${reason}`);
  }
}

/** Runs a process's start; a known failure prints one line `[name] …` and exits 1. */
export async function startProcess<T>(name: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof StartupError || (err as Error)?.name === 'WorkflowBundleError')) throw err;
    console.error(`[${name}] ${(err as Error).message}`);
    process.exit(1);
  }
}
