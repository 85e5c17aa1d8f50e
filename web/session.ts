/**
 * Server-side sessions: the browser holds only a random ID in a signed, HttpOnly, SameSite=Lax
 * cookie (Secure and `__Host-` prefixed in production). What a session carries (CSRF token,
 * one-time identifier flash, login) stays in this process's memory.
 */
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getSignedCookie, setSignedCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv, Clock } from './types.js';

export interface Session {
  readonly id: string;
  readonly csrfToken: string;
  /** The new identifier, shown once by screen 6 then deleted. */
  identifierFlash?: string;
  login?: { identifier: string };
}

export interface SessionStore {
  get(id: string): Session | undefined;
  create(): Session;
  destroy(id: string): void;
}

interface Entry {
  session: Session;
  lastSeen: number;
}

export interface MemorySessionStoreOptions {
  clock: Clock;
  /** A session unused for this long is forgotten (its captchas expire on their own). */
  idleTtlMs?: number;
  /** Oldest sessions are dropped beyond this count, so a flood of visits cannot exhaust memory. */
  maxSessions?: number;
}

const randomId = () => randomBytes(32).toString('base64url');

/**
 * One web process keeps its sessions in memory: enough for this service's single web instance.
 * Several instances would need a shared store (same interface) or sticky sessions.
 */
export function createMemorySessionStore({
  clock,
  idleTtlMs = 60 * 60_000,
  maxSessions = 100_000,
}: MemorySessionStoreOptions): SessionStore {
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();

  function sweep(now: number) {
    for (const [id, entry] of entries) {
      if (now - entry.lastSeen < idleTtlMs && entries.size < maxSessions) break;
      entries.delete(id);
    }
  }

  return {
    get(id) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      const now = clock();
      if (now - entry.lastSeen >= idleTtlMs) {
        entries.delete(id);
        return undefined;
      }
      entries.delete(id);
      entries.set(id, { session: entry.session, lastSeen: now });
      return entry.session;
    },
    create() {
      const now = clock();
      sweep(now);
      const session: Session = { id: randomId(), csrfToken: randomId() };
      entries.set(session.id, { session, lastSeen: now });
      return session;
    },
    destroy(id) {
      entries.delete(id);
    },
  };
}

export interface SessionCookieOptions {
  secret: string;
  secure: boolean;
}

const COOKIE_NAME = 'sid';

/**
 * Loads the session named by the cookie, if any, and offers `ensureSession()` (creates one and
 * sets the cookie) and `renewSession()` (new ID after login, against session fixation).
 */
export function sessionMiddleware(store: SessionStore, { secret, secure }: SessionCookieOptions): MiddlewareHandler<AppEnv> {
  const prefix = secure ? ('host' as const) : undefined;
  const cookieOptions = { httpOnly: true, sameSite: 'Lax' as const, secure, path: '/', ...(prefix ? { prefix } : {}) };

  async function issue(c: Context<AppEnv>): Promise<Session> {
    const session = store.create();
    await setSignedCookie(c, COOKIE_NAME, session.id, secret, cookieOptions);
    c.set('session', session);
    return session;
  }

  return async (c, next) => {
    const id = await getSignedCookie(c, secret, COOKIE_NAME, prefix);
    c.set('session', id ? store.get(id) : undefined);
    c.set('ensureSession', async () => c.get('session') ?? issue(c));
    c.set('renewSession', async () => {
      const old = c.get('session');
      if (old) store.destroy(old.id);
      return issue(c);
    });
    c.set('endSession', () => {
      const old = c.get('session');
      if (old) store.destroy(old.id);
      c.set('session', undefined);
      deleteCookie(c, COOKIE_NAME, cookieOptions);
    });
    await next();
  };
}
