/**
 * The web's shared store (Redis): sessions, security codes, rate-limit and failure counters, each
 * with the store's own expiry. Commands fail fast while the store is down (no offline queue, a
 * short command timeout), so that the web answers « service momentanément indisponible » at once
 * instead of hanging, and never goes on without its limits; the client reconnects by itself.
 */
import { Redis } from 'ioredis';

export type Store = Redis;

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export function createStore(url: string): Store {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    lazyConnect: true,
  });
}

/** Connects, or says in one line which store could not be reached and which variable names it. */
export async function connectStore(url: string, variable = 'REDIS_URL'): Promise<Store> {
  const store = createStore(url);
  store.on('error', () => {}); // reconnection is retried; each failed command answers for itself
  try {
    await store.connect();
    await store.ping();
  } catch (err) {
    store.disconnect();
    const where = url.replace(/\/\/[^@/]*@/, '//'); // no password in the message
    throw new StoreUnavailableError(`The shared store (Redis) at ${where} does not answer (${(err as Error).message}): check ${variable}.`);
  }
  return store;
}

/** Errors that mean the store cannot be reached now, as ioredis and rate-limiter-flexible raise them. */
export function isStoreError(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const message = err instanceof Error ? `${err.name} ${err.message}` : '';
  return /MaxRetriesPerRequest|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|Command timed out|connection is not ready|connect ETIMEDOUT/i.test(
    message,
  );
}
