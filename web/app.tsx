/**
 * The citizen's web app, built from its dependencies so tests call `app.request` with real or
 * scratch ones. The server entry (main.ts) only wires configuration to this factory and listens.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { LINK_PATH } from '../domain/renewal-link.js';
import { durationInWords } from '../copy/pages.js';
import { createCaptchaStore } from './captcha.js';
import { clientAddressFrom } from './client-address.js';
import { createRateLimits } from './rate-limit.js';
import { page } from './respond.js';
import { captchaRoutes, captchaTestHook } from './routes/captcha.js';
import { helpRoutes } from './routes/help.js';
import { linkRoutes } from './routes/link.js';
import { loginRoutes } from './routes/login.js';
import { requestRoutes } from './routes/request.js';
import { staticRoutes } from './routes/static.js';
import { CsrfTokenError, formToken, limitBody, originCheck, securityHeaders } from './security.js';
import type { Services } from './services.js';
import { createMemorySessionStore, sessionMiddleware } from './session.js';
import type { AppEnv, WebDeps } from './types.js';
import { BadRequestPage, ForbiddenPage, NotFoundPage, ServerErrorPage, TooLargePage } from './views/errors.js';

/** Paths as logged: a link token is a secret and never reaches the logs. */
export const loggablePath = (path: string) => (path.startsWith(LINK_PATH) ? `${LINK_PATH}:token` : path);

export function createApp(deps: WebDeps): Hono<AppEnv> {
  const clock = deps.clock ?? Date.now;
  const services: Services = {
    deps,
    clock,
    captchas: deps.captchas ?? createCaptchaStore({ clock, ttlMs: deps.web.captchaTtlMs, keepAnswersForTests: deps.web.captchaTestHook }),
    captchaTtl: durationInWords(deps.web.captchaTtlMs),
    delays: { linkTtl: durationInWords(deps.renewal.linkTtlMs), passwordStepTtl: durationInWords(deps.renewal.passwordStepTtlMs) },
    limits: createRateLimits(deps.web.rateLimit, deps.clientAddress ?? clientAddressFrom(deps.web.trustProxy), clock),
  };
  const sessions = deps.sessions ?? createMemorySessionStore({ clock });
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const level = c.req.path.startsWith('/static/') ? 'debug' : 'info';
    deps.logger[level](
      { method: c.req.method, path: loggablePath(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.use(securityHeaders(deps.web));
  app.route('/', staticRoutes());

  app.use(limitBody((c) => page(c, <TooLargePage />, 413)));
  app.use(originCheck(deps.web.publicBaseUrl));
  app.use(sessionMiddleware(sessions, { secret: deps.web.cookieSecret, secure: deps.web.secureCookies }));
  app.use(formToken());
  app.on('POST', '*', async (c, next) => (c.req.path.startsWith('/code-securite/') ? next() : services.limits.perIp(c, next)));
  app.get(`${LINK_PATH}*`, services.limits.perIp);

  app.route('/', loginRoutes(services));
  app.route('/', requestRoutes(services));
  app.route('/', linkRoutes(services));
  app.route('/', helpRoutes(services));
  app.route('/', captchaRoutes(services));
  if (deps.web.captchaTestHook) app.route('/', captchaTestHook(services));

  app.notFound((c) => page(c, <NotFoundPage />, 404));
  app.onError((err, c) => errorPage(err, c, deps));
  return app;
}

function errorPage(err: Error, c: Context<AppEnv>, deps: WebDeps) {
  if (err instanceof CsrfTokenError || (err instanceof HTTPException && err.status === 403)) {
    deps.logger.warn({ path: loggablePath(c.req.path) }, 'POST refused: origin or form token');
    const retry = c.req.path.startsWith('/code-securite/') || c.req.path === '/deconnexion' ? '/connexion' : c.req.path;
    return page(c, <ForbiddenPage retry={retry} />, 403);
  }
  if (err instanceof HTTPException && err.status < 500) {
    deps.logger.warn({ path: loggablePath(c.req.path), status: err.status }, 'bad request');
    return page(c, <BadRequestPage />, 400);
  }
  deps.logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, path: loggablePath(c.req.path) }, 'request failed');
  return page(c, <ServerErrorPage />, 500);
}
