/**
 * The codec server the Temporal UI and CLI call to show renewal payloads in clear to authorised
 * operators (Temporal's codec server protocol): `POST …/decode` and `POST …/encode` take and return
 * `{"payloads": [...]}` in proto3 JSON. Only the last path segment counts, so `/default/decode`
 * (the CLI's `{namespace}` template) works as well as `/decode`.
 */
import type { PayloadCodec } from '@temporalio/common';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeJsonPayloads, encodeJsonPayloads } from './json-payloads.js';
import { WRONG_TOKEN, loggedInPage, loggedOutPage, loginPage } from './pages.js';
import { SESSION_COOKIE, bearerToken, createSessions, sameSecret } from './session.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** `config.codecServer.token` */
  token: string;
  /** The Temporal UI's origin (`config.codecServer.corsOrigin`): the only one CORS lets in. */
  corsOrigin: string;
  secureCookies: boolean;
  logger?: Pick<Logger, 'info' | 'warn'>;
  sessionTtlMs?: number;
  maxBodyBytes?: number;
}

/** A history page carries at most a few payloads per event; renewal payloads are small. */
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const CODEC_PATH = /^(?:\/[^/]+)?\/(?:encode|decode)$/;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64 expected');
// Proto3 JSON omits an empty repeated field: the CLI sends `{}` to encode a query without arguments.
const PayloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
    .max(10_000)
    .default([]),
});

export function createCodecServerApp(options: CodecServerOptions) {
  const { codec, token, corsOrigin, secureCookies, logger } = options;
  const sessions = createSessions(token, options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
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

  const requireOperator: MiddlewareHandler = async (c, next) => {
    const header = c.req.header('authorization');
    const allowed = header !== undefined ? sameSecret(bearerToken(header) ?? '', token) : sessions.verify(getCookie(c, SESSION_COOKIE));
    if (!allowed) {
      c.header('WWW-Authenticate', 'Bearer realm="codec-server"');
      return c.json({ error: 'unauthorized' }, 401);
    }
    await next();
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
  app.get('/connexion', (c) => c.html(loginPage({ uiOrigin: corsOrigin })));
  app.post('/connexion', async (c) => {
    const form = await c.req.parseBody();
    const given = typeof form.jeton === 'string' ? form.jeton.trim() : '';
    if (!sameSecret(given, token)) {
      logger?.warn('codec session refused: wrong token');
      return c.html(loginPage({ uiOrigin: corsOrigin, error: WRONG_TOKEN }), 401);
    }
    const session = sessions.issue();
    setCookie(c, SESSION_COOKIE, session.value, {
      httpOnly: true,
      secure: secureCookies,
      // The UI and this server must be same-site (same host, other port, or sibling subdomains).
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    logger?.info('codec session opened');
    return c.html(loggedInPage(session.expiresAt, corsOrigin));
  });
  app.post('/deconnexion', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies });
    return c.html(loggedOutPage());
  });

  return app;
}
