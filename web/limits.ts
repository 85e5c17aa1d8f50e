/**
 * Every limit of the web, named, in one place (rate-limiter-flexible on the shared store, so that a
 * limit of N holds across any number of web instances, with the store's own expiry). Limits are
 * keyed so that what a stranger does costs the stranger: an account's counters are per account
 * *and* client address, and the one per account alone only asks for a security code, never
 * refuses. Keys are keyed hashes: no NUMIC, identifier or address in clear in the store.
 */
import { createHmac } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Store } from '../adapters/redis.js';
import type { Config } from '../config/index.js';

export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface Limit {
  /** Counts one; refused once the limit is reached, with the time until it resets. */
  consume(...key: string[]): Promise<Verdict>;
  /** Whether the limit is reached, without counting. */
  reached(...key: string[]): Promise<Verdict>;
  reset(...key: string[]): Promise<void>;
}

export type Limits = ReturnType<typeof createLimits>;

export function createLimits(store: Store, limits: Config['web']['rateLimit'], keySecret: string) {
  function limit(name: string, points: number, windowMs: number): Limit {
    const limiter = new RateLimiterRedis({
      storeClient: store,
      keyPrefix: `limit:${name}`,
      points,
      duration: Math.ceil(windowMs / 1000),
      rejectIfRedisNotReady: true, // a store that is down fails the request (503), never skips the limit
    });
    const keyOf = (parts: string[]) => createHmac('sha256', keySecret).update(parts.join('\0')).digest('base64url').slice(0, 32);
    return {
      async consume(...key) {
        try {
          await limiter.consume(keyOf(key));
          return { allowed: true };
        } catch (err) {
          if (err instanceof RateLimiterRes) return { allowed: false, retryAfterMs: err.msBeforeNext };
          throw err;
        }
      },
      async reached(...key) {
        const res = await limiter.get(keyOf(key));
        return res && res.consumedPoints >= points ? { allowed: false, retryAfterMs: res.msBeforeNext } : { allowed: true };
      },
      async reset(...key) {
        await limiter.delete(keyOf(key));
      },
    };
  }

  const { windowMs } = limits;
  return {
    /** Every POST, per client address. */
    postsPerAddress: limit('posts-per-address', limits.perIp, windowMs),
    /** Link pages shown, per address (each costs a query to Temporal). */
    linkViewsPerAddress: limit('link-views-per-address', limits.perIp, windowMs),
    /** Renewal requests for one NUMIC from one address. */
    requestsPerAccountAndAddress: limit('requests-per-account-address', limits.perAccount, windowMs),
    /** Failed logins on one identifier from one address: that client is refused for a while. */
    loginFailuresPerAccountAndAddress: limit('login-failures-per-account-address', limits.perAccount, windowMs),
    /** Failed logins on one identifier from anywhere: past it, logging in also asks for a security code. */
    loginFailuresPerAccount: limit('login-failures-per-account', limits.loginCodeAfterFailures, 4 * windowMs),
    /** Wrong security codes from one address: past it, no new code for a while. */
    codeFailuresPerAddress: limit('code-failures-per-address', limits.captchaFailuresPerIp, windowMs),
    /** New codes drawn by htmx and spoken codes (each costs a speech synthesis), per address: generous, not free. */
    codeMediaPerAddress: limit('code-media-per-address', 4 * limits.perIp, windowMs),
  };
}
