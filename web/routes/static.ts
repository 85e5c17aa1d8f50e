import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { STATIC_DIRS } from '../assets.js';

const WEEK = 'public, max-age=604800';

/** DSFR, htmx and our own assets, served from disk by the app itself. */
export function staticRoutes() {
  const app = new Hono();
  const mount = (prefix: string, root: string) => {
    app.use(`${prefix}/*`, async (c, next) => {
      await next();
      if (c.res.status === 200) c.res.headers.set('Cache-Control', WEEK);
    });
    app.use(`${prefix}/*`, serveStatic({ root, rewriteRequestPath: (path) => path.slice(prefix.length) }));
  };
  mount('/static/dsfr', STATIC_DIRS.dsfr);
  mount('/static/htmx', STATIC_DIRS.htmx);
  mount('/static/app', STATIC_DIRS.app);
  return app;
}
