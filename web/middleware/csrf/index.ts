/**
 * CSRF protection on every POST, without server state: Hono's origin check (a foreign Origin or
 * Sec-Fetch-Site is refused), then a signed double-submit token (OWASP): the browser holds a random
 * value in a SameSite=Strict HttpOnly cookie, every form carries its HMAC, and a POST whose field
 * does not match its cookie is refused. A page never needs a session to carry a form.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { every } from 'hono/combine';

export const CSRF_FIELD = '_csrf';

export interface CsrfVariables {
  /** The value of the hidden field every form carries. */
  csrfToken: string;
}

export class CsrfTokenError extends Error {
  override name = 'CsrfTokenError';
}

export interface CsrfOptions {
  publicBaseUrl: string;
  secret: string;
  secure: boolean;
  /** The POST's parsed fields (middleware/form runs first). */
  field: (c: Parameters<MiddlewareHandler>[0]) => string | undefined;
}

const COOKIE = 'csrf';

export function csrfProtection({ publicBaseUrl, secret, secure, field }: CsrfOptions): MiddlewareHandler<{ Variables: CsrfVariables }> {
  const prefix = secure ? ('host' as const) : undefined;
  const cookieOptions = { httpOnly: true, sameSite: 'Strict' as const, secure, path: '/', ...(prefix ? { prefix } : {}) };
  const tokenFor = (value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');

  const doubleSubmit: MiddlewareHandler<{ Variables: CsrfVariables }> = async (c, next) => {
    let value = getCookie(c, COOKIE, prefix);
    if (c.req.method === 'POST') {
      // Compared as bytes: a field as long as the token but with non-ASCII characters is longer in bytes.
      const given = Buffer.from(field(c) ?? '');
      const expected = Buffer.from(value ? tokenFor(value) : '');
      if (!value || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CsrfTokenError();
    }
    if (!value) {
      value = randomBytes(32).toString('base64url');
      setCookie(c, COOKIE, value, cookieOptions);
    }
    c.set('csrfToken', tokenFor(value));
    await next();
  };
  return every(csrf({ origin: new URL(publicBaseUrl).origin }), doubleSubmit);
}
