/**
 * Per-IP and per-account limits (hono-rate-limiter, in memory), answered with a French 429 page.
 * The per-account limit counts only well-formed requests that passed the security code, so
 * nobody can exhaust a citizen's allowance without solving codes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { ERRORS } from '../copy/pages.js';
import type { Config } from '../config/index.js';
import { page } from './respond.js';
import type { AppEnv, Clock } from './types.js';
import { MessagePage } from './views/layout.js';

type Limits = Config['web']['rateLimit'];

function tooManyRequests(c: Context<AppEnv>, clock: Clock) {
  const resetAt = c.get('rateLimit')?.resetTime?.getTime();
  const minutes = resetAt ? Math.max(1, Math.ceil((resetAt - clock()) / 60_000)) : undefined;
  const body = minutes ? [ERRORS.tooMany.body, ERRORS.tooMany.retry(minutes)] : [ERRORS.tooMany.body];
  return page(
    c,
    <MessagePage title={ERRORS.tooMany.title} body={body} status={429} severity="warning" actions={[{ label: ERRORS.home, href: '/' }]} />,
    429,
  );
}

export interface RateLimits {
  /** Every POST and every link opening, per client address. */
  perIp: MiddlewareHandler<AppEnv>;
  /** New security codes, per client address: generous, but not free. */
  captchaRefresh: MiddlewareHandler<AppEnv>;
  /** Per account key set by the route in `c.var.accountKey`; `failuresOnly` forgives successes. */
  perAccount(name: string, options?: { failuresOnly?: boolean }): MiddlewareHandler<AppEnv>;
}

export function createRateLimits(limits: Limits, clientAddress: (c: Context) => string, clock: Clock): RateLimits {
  const common = {
    windowMs: limits.windowMs,
    standardHeaders: 'draft-6' as const,
    handler: (c: Context<AppEnv>) => tooManyRequests(c, clock),
  };
  return {
    perIp: rateLimiter<AppEnv>({ ...common, limit: limits.perIp, keyGenerator: (c) => `ip:${clientAddress(c)}` }),
    captchaRefresh: rateLimiter<AppEnv>({ ...common, limit: limits.perIp * 4, keyGenerator: (c) => `ip:${clientAddress(c)}` }),
    perAccount: (name, options = {}) =>
      rateLimiter<AppEnv>({
        ...common,
        limit: limits.perAccount,
        skipSuccessfulRequests: options.failuresOnly ?? false,
        keyGenerator: (c) => `${name}:${c.get('accountKey')}`,
      }),
  };
}
