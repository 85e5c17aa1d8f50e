/**
 * The citizen's web app, built from its dependencies so tests call `app.request` with real or
 * scratch ones. The server entry (main.ts) only wires configuration to this factory and listens.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isStoreError } from '../adapters/redis.js';
import { PATHS, loggablePath } from '../domain/paths.js';
import { clientAddress } from './middleware/client-address/index.js';
import { CSRF_FIELD, CsrfTokenError, csrfProtection } from './middleware/csrf/index.js';
import { postedForm } from './middleware/form/index.js';
import { requestLog } from './middleware/request-log/index.js';
import { securityHeaders } from './middleware/security-headers/index.js';
import { sessions } from './middleware/session/index.js';
import { page } from './respond.js';
import { accessibilityRoutes } from './routes/accessibility.js';
import { codeRoutes, codeTestHook } from './routes/code.js';
import { helpRoutes } from './routes/help.js';
import { linkRoutes } from './routes/link.js';
import { loginRoutes } from './routes/login.js';
import { requestRoutes } from './routes/request.js';
import { staticRoutes } from './routes/static.js';
import { createServices } from './services.js';
import type { AppEnv, WebDeps } from './types.js';
import { BadRequestPage, ForbiddenPage, NotFoundPage, ServerErrorPage, TooLargePage, UnavailablePage } from './views/errors.js';
import { RENEWAL_KINDS } from '../workflows/definitions.js';
import { isTemporalUnavailable } from '../client/unavailable.js';

export function createApp(deps: WebDeps): Hono<AppEnv> {
  const s = createServices(deps);
  const { web } = deps;
  const app = new Hono<AppEnv>();

  app.use(requestLog(deps.logger));
  app.use(securityHeaders(web.publicBaseUrl));
  app.route('/', staticRoutes());

  app.use(clientAddress(web.trustProxy));
  app.use(postedForm((c) => page(c, <TooLargePage />, 413)));
  app.use(
    csrfProtection({
      publicBaseUrl: web.publicBaseUrl,
      secret: deps.cookieSecret,
      secure: web.secureCookies,
      field: (c) => c.get('form')?.[CSRF_FIELD],
    }),
  );
  app.use(
    sessions({
      store: deps.store,
      secret: deps.cookieSecret,
      secure: web.secureCookies,
      idleMs: web.sessionIdleMs,
      absoluteMs: web.sessionLifetimeMs,
      clock: s.clock,
    }),
  );
  // Every POST counts against its client address, except a new security code (its own, wider limit).
  app.on('POST', '*', async (c, next) => {
    if (c.req.path.startsWith(`${PATHS.captcha}/`)) return next();
    const verdict = await s.limits.postsPerAddress.consume(c.var.clientAddress);
    if (!verdict.allowed) return s.refuse(c, 'posts-per-address', verdict.retryAfterMs);
    await next();
  });

  app.route('/', loginRoutes(s));
  for (const kind of RENEWAL_KINDS) {
    app.route('/', requestRoutes(kind, s));
    app.route('/', linkRoutes(kind, s));
  }
  app.route('/', helpRoutes(s));
  app.route('/', accessibilityRoutes(s));
  app.route('/', codeRoutes(s));
  if (web.captchaTestHook) app.route('/', codeTestHook(s));

  app.notFound((c) => page(c, <NotFoundPage />, 404));
  app.onError((err, c) => errorPage(err, c, deps));
  return app;
}

function errorPage(err: Error, c: Context<AppEnv>, deps: WebDeps) {
  const path = loggablePath(c.req.path);
  if (err instanceof CsrfTokenError || (err instanceof HTTPException && err.status === 403)) {
    deps.logger.warn({ event: 'post-refused-csrf', client: c.var.clientAddress, path }, 'POST refused: origin or form token');
    const retry = c.req.path.startsWith(`${PATHS.captcha}/`) || c.req.path === PATHS.logout ? PATHS.login : c.req.path;
    return page(c, <ForbiddenPage retry={retry} />, 403);
  }
  if (err instanceof HTTPException && err.status < 500) {
    deps.logger.warn({ path, status: err.status }, 'bad request');
    return page(c, <BadRequestPage />, 400);
  }
  // The shared store or Temporal cannot be reached: say so, record nothing, never go on without them.
  if (isStoreError(err) || isTemporalUnavailable(err)) {
    deps.logger.error(
      { event: 'dependency-unavailable', client: c.var.clientAddress, path, err: { name: err.name, message: err.message } },
      'service unavailable',
    );
    c.header('Retry-After', '30');
    return page(c, <UnavailablePage />, 503);
  }
  deps.logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, path }, 'request failed');
  return page(c, <ServerErrorPage />, 500);
}
