/** One structured line per request: method, path (a link's token replaced), status, time. */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { loggablePath } from '../../../domain/paths.js';

export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const level = c.req.path.startsWith('/static/') ? 'debug' : 'info';
    logger[level](
      { method: c.req.method, path: loggablePath(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
}
