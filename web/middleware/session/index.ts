/**
 * Server-side sessions in the shared store, created only when a citizen starts something (a login,
 * a completed renewal's page): an anonymous visit stores nothing, so a flood of visits can push no
 * one out. The browser holds a random ID in a signed, HttpOnly, SameSite=Lax cookie (Secure and
 * `__Host-` prefixed in production); the store holds the data under that ID with an idle expiry,
 * and each session also ends at an absolute lifetime, whatever its activity.
 */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { Store } from '../../../adapters/redis.js';
import type { CompletedChange, RenewalKind } from '../../../workflows/definitions.js';

export interface SessionData {
  /** Epoch ms: the absolute lifetime counts from here. */
  createdAt: number;
  login?: {
    accountId: string;
    identifier: string;
    /** client/accounts.ts: ends the session when the credentials change. */ credentials: string;
  };
  /** What a completed renewal changed, shown once by its last screen. */
  done?: CompletedChange;
  /**
   * A submission whose outcome the service did not give in time (web/routes/link.tsx): the link it
   * was made on (a hash of its token) and its update ID, by which the link page reads it back.
   */
  submission?: { kind: RenewalKind; link: string; updateId: string };
}

export interface SessionVariables {
  session: SessionData | undefined;
  /** A fresh session (new ID: the previous one, if any, ends), holding `data`. */
  startSession: (data: Omit<SessionData, 'createdAt'>) => Promise<void>;
  saveSession: (data: SessionData) => Promise<void>;
  endSession: () => Promise<void>;
}

export interface SessionOptions {
  store: Store;
  secret: string;
  secure: boolean;
  idleMs: number;
  absoluteMs: number;
  clock: () => number;
}

const COOKIE = 'sid';
const keyOf = (id: string) => `session:${id}`;

export function sessions({
  store,
  secret,
  secure,
  idleMs,
  absoluteMs,
  clock,
}: SessionOptions): MiddlewareHandler<{ Variables: SessionVariables }> {
  const prefix = secure ? ('host' as const) : undefined;
  const cookieOptions = { httpOnly: true, sameSite: 'Lax' as const, secure, path: '/', ...(prefix ? { prefix } : {}) };
  const ttl = (data: SessionData) => Math.max(1, Math.min(idleMs, data.createdAt + absoluteMs - clock()));

  return async (c, next) => {
    let id = (await getSignedCookie(c, secret, COOKIE, prefix)) || undefined;
    let data: SessionData | undefined;
    if (id) {
      const stored = await store.get(keyOf(id));
      data = stored ? (JSON.parse(stored) as SessionData) : undefined;
      if (data && clock() - data.createdAt >= absoluteMs) {
        await store.del(keyOf(id));
        data = undefined;
      }
      if (data) await store.pexpire(keyOf(id), ttl(data)); // idle expiry restarts with each use
    }
    c.set('session', data);

    const save = async (value: SessionData) => {
      if (!id) throw new Error('no session to save');
      await store.set(keyOf(id), JSON.stringify(value), 'PX', ttl(value));
      c.set('session', value);
    };
    c.set('saveSession', save);
    c.set('startSession', async (value) => {
      if (id) await store.del(keyOf(id));
      id = randomBytes(32).toString('base64url');
      await save({ ...value, createdAt: clock() });
      await setSignedCookie(c, COOKIE, id, secret, { ...cookieOptions, maxAge: Math.ceil(absoluteMs / 1000) });
    });
    c.set('endSession', async () => {
      if (id) await store.del(keyOf(id));
      id = undefined;
      c.set('session', undefined);
      deleteCookie(c, COOKIE, cookieOptions);
    });
    await next();
  };
}
