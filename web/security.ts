/**
 * Web hygiene middleware, all from Hono where it ships one: security headers with a CSP that
 * allows no inline script or style, CSRF (origin check plus a per-session token in every form),
 * body size limit.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config/index.js';
import { CSRF_FIELD, textFields } from './forms.js';
import type { AppEnv } from './types.js';

/** The largest form (the help message, 2,000 characters) percent-encodes to about 18 KiB at worst. */
export const MAX_BODY_BYTES = 32 * 1024;

export function securityHeaders(web: Pick<Config['web'], 'publicBaseUrl'>): MiddlewareHandler {
  const https = new URL(web.publicBaseUrl).protocol === 'https:';
  const self = ["'self'"];
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: self,
      scriptSrc: self,
      styleSrc: self,
      // DSFR's stylesheet draws a few shapes as data: SVG images.
      imgSrc: [...self, 'data:'],
      fontSrc: self,
      connectSrc: self,
      manifestSrc: self,
      formAction: self,
      frameAncestors: ["'none'"],
      baseUri: self,
      objectSrc: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
    // Link pages carry the token in their URL: no page ever sends its address elsewhere.
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: https ? 'max-age=63072000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  });
}

/** Rejects bodies over the limit before they are read; `onTooLarge` renders the French page. */
export const limitBody = (onTooLarge: Parameters<typeof bodyLimit>[0]['onError']) =>
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: onTooLarge });

/** Browsers send Origin (or Sec-Fetch-Site) on every POST: a foreign one is refused. */
export const originCheck = (publicBaseUrl: string) => csrf({ origin: new URL(publicBaseUrl).origin });

export class CsrfTokenError extends HTTPException {
  constructor() {
    super(403, { message: 'missing or wrong form token' });
  }
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Every POST carries the session's token in a hidden field (htmx posts the same form). Parses the
 * form once and shares it with the route as `c.var.form`.
 */
export function formToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const form = textFields(await c.req.parseBody());
    c.set('form', form);
    const session = c.get('session');
    const token = form[CSRF_FIELD];
    if (!session || !token || !sameToken(token, session.csrfToken)) throw new CsrfTokenError();
    await next();
  };
}
