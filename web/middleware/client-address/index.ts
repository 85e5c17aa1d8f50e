/**
 * The client's address, for per-address limits. Behind a trusted reverse proxy (TRUST_PROXY), the
 * last X-Forwarded-For entry is the one that proxy saw (anything before it the client may have
 * written); otherwise the socket's peer.
 */
import type { MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface ClientAddressVariables {
  clientAddress: string;
}

export function clientAddress(trustProxy: boolean): MiddlewareHandler<{ Variables: ClientAddressVariables }> {
  return async (c, next) => {
    const forwarded = trustProxy
      ? c.req
          .header('X-Forwarded-For')
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .at(-1)
      : undefined;
    let peer: string | undefined;
    try {
      peer = getConnInfo(c).remote.address;
    } catch {
      peer = undefined; // no socket: a test calling app.request
    }
    c.set('clientAddress', forwarded ?? peer ?? 'unknown');
    await next();
  };
}
