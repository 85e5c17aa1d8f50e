/**
 * The codec server the Temporal UI and CLI call to show renewal payloads in clear to authorised
 * operators (Temporal's codec server protocol): `POST …/decode` and `POST …/encode` take and return
 * `{"payloads": [...]}` in proto3 JSON. Only the last path segment counts, so `/default/decode`
 * (the CLI's `{namespace}` template) works as well as `/decode`.
 *
 * Who may decode: a caller presenting the token (`Authorization: Bearer …`, as the CLI's
 * `--codec-auth` sends it), or a browser holding a session cookie obtained by typing the token once
 * (the Temporal UI sends no Authorization header of its own). On the embedded setup (loopback, not
 * production) the UI's own origin may decode without a session, so that `npm start` shows decoded
 * renewals at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { some } from 'hono/combine';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeJsonPayloads, encodeJsonPayloads } from './json-payloads.js';
import { LoggedInPage, LoggedOutPage, LoginPage, WRONG_TOKEN } from './pages.js';

export const SESSION_COOKIE = 'codec_session';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** `config.codecServer.token` */
  token: string;
  /** The Temporal UI's origin (`config.codecServer.corsOrigin`): the only one CORS lets in. */
  corsOrigin: string;
  secureCookies: boolean;
  /** The embedded setup only: requests from the UI's origin decode without a session. */
  openToUi?: boolean;
  logger?: Pick<Logger, 'info' | 'warn'>;
  sessionTtlMs?: number;
  maxBodyBytes?: number;
  now?: () => number;
}

/** A history page carries at most a few payloads per event; renewal payloads are small. */
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const CODEC_PATH = /^(?:\/[^/]+)?\/(?:encode|decode)$/;

/** Constant-time comparison; hashing first makes the lengths equal and leaks none. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64 expected');
// Proto3 JSON omits an empty repeated field: the CLI sends `{}` to encode a query without arguments.
const PayloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
    .max(10_000)
    .default([]),
});

const clientAddress = (c: Context) => c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() ?? 'direct';

export function createCodecServerApp(options: CodecServerOptions) {
  const { codec, token, corsOrigin, secureCookies, logger, openToUi = false, now = Date.now } = options;
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  // The session cookie carries its expiry, signed with a key derived from the token: nothing is
  // stored, the token never sits in the cookie, and rotating the token ends every session.
  const cookieKey = createHash('sha256').update(`codec-session:${token}`).digest('base64url');
  const app = new Hono();

  // CORS headers go only to the UI's origin; any other origin gets none and the browser blocks it.
  const uiCors = cors({
    origin: corsOrigin,
    allowMethods: ['POST'],
    allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'],
    credentials: true,
    maxAge: 600,
  });
  const corsForUi: MiddlewareHandler = (c, next) => (c.req.header('origin') === corsOrigin ? uiCors(c, next) : next());

  const byToken = bearerAuth({ verifyToken: (given) => sameSecret(given, token) });
  const bySession: MiddlewareHandler = async (c, next) => {
    const expiry = Number(await getSignedCookie(c, cookieKey, SESSION_COOKIE));
    if (!(expiry > now())) throw new Error('no codec session');
    await next();
  };
  const byUiOnLoopback: MiddlewareHandler = async (c, next) => {
    if (!openToUi || c.req.header('origin') !== corsOrigin) throw new Error('not the embedded UI');
    await next();
  };
  const anyOf = some(byToken, bySession, byUiOnLoopback);
  const requireOperator: MiddlewareHandler = async (c, next) => {
    try {
      return await anyOf(c, next);
    } catch {
      logger?.warn(
        { event: 'codec-request-refused', client: clientAddress(c), path: c.req.path },
        'codec request refused: no token or session',
      );
      c.header('WWW-Authenticate', 'Bearer realm="codec-server"');
      return c.json({ error: 'unauthorized' }, 401);
    }
  };

  const limitBody = bodyLimit({
    maxSize: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'payload-too-large' }, 413),
  });

  async function readPayloads(c: Context) {
    const body = await c.req.json().catch(() => undefined);
    return PayloadsBody.safeParse(body);
  }

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });

  app.get('/healthz', (c) => c.text('ok'));

  app.use('*', async (c, next) => (CODEC_PATH.test(c.req.path) ? corsForUi(c, next) : next()));
  app.use('*', async (c, next) => (CODEC_PATH.test(c.req.path) && c.req.method === 'POST' ? requireOperator(c, next) : next()));
  app.use('*', async (c, next) => (CODEC_PATH.test(c.req.path) ? limitBody(c, next) : next()));

  app.on('POST', ['/decode', '/:namespace/decode'], async (c) => {
    const parsed = await readPayloads(c);
    if (!parsed.success) return c.json({ error: 'invalid-payloads' }, 400);
    const { payloads, failures } = await decodeJsonPayloads(parsed.data.payloads, codec);
    // Which payloads, never what they hold.
    if (failures > 0) logger?.warn({ failures, namespace: c.req.header('x-namespace') }, 'payloads left encoded: unknown key or tampered');
    c.header('Cache-Control', 'no-store');
    return c.json({ payloads });
  });

  app.on('POST', ['/encode', '/:namespace/encode'], async (c) => {
    const parsed = await readPayloads(c);
    if (!parsed.success) return c.json({ error: 'invalid-payloads' }, 400);
    c.header('Cache-Control', 'no-store');
    return c.json({ payloads: await encodeJsonPayloads(parsed.data.payloads, codec) });
  });

  // Operator pages: a browser session for the UI, which cannot send the token itself.
  for (const path of ['/connexion', '/deconnexion']) {
    app.use(path, secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], formAction: ["'self'"] } }));
    app.use(path, csrf());
    app.use(path, bodyLimit({ maxSize: 4 * 1024, onError: (c) => c.text('Requête trop volumineuse', 413) }));
  }
  app.get('/', (c) => c.redirect('/connexion'));
  app.get('/connexion', (c) => c.html(<LoginPage uiOrigin={corsOrigin} />));
  app.post('/connexion', async (c) => {
    const form = await c.req.parseBody();
    const given = typeof form.jeton === 'string' ? form.jeton.trim() : '';
    if (!sameSecret(given, token)) {
      logger?.warn({ event: 'codec-session-refused', client: clientAddress(c) }, 'codec session refused: wrong token');
      return c.html(<LoginPage uiOrigin={corsOrigin} error={WRONG_TOKEN} />, 401);
    }
    const expiresAt = new Date(now() + sessionTtlMs);
    await setSignedCookie(c, SESSION_COOKIE, String(expiresAt.getTime()), cookieKey, {
      httpOnly: true,
      secure: secureCookies,
      // The UI and this server must be same-site (same host, other port, or sibling subdomains).
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(sessionTtlMs / 1000),
    });
    logger?.info({ event: 'codec-session-opened', client: clientAddress(c), until: expiresAt.toISOString() }, 'codec session opened');
    return c.html(<LoggedInPage expiresAt={expiresAt} uiOrigin={corsOrigin} />);
  });
  app.post('/deconnexion', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies });
    return c.html(<LoggedOutPage />);
  });

  return app;
}
