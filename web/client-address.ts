import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The client's address for per-IP limits. Behind a trusted reverse proxy (TRUST_PROXY), the last
 * X-Forwarded-For entry is the one that proxy saw; otherwise the socket's peer. A request without
 * a socket (tests calling `app.request`) counts as one shared client.
 */
export function clientAddressFrom(trustProxy: boolean) {
  return (c: Context): string => {
    if (trustProxy) {
      const forwarded = c.req
        .header('X-Forwarded-For')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (forwarded && forwarded.length > 0) return forwarded[forwarded.length - 1]!;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
}
