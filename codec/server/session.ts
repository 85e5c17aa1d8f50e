/**
 * Who may use the codec server: a caller that presents the token (`Authorization: Bearer …`, as
 * the Temporal CLI's `--codec-auth` sends it), or a browser holding a session cookie obtained by
 * typing the token once. The Temporal UI sends no Authorization header of its own (only an OIDC
 * access token, over HTTPS, when the UI has a login), so in the UI the cookie is the way in.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'codec_session';

/** Constant-time comparison; hashing first makes the lengths equal and leaks none. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A session is `<expiry, epoch seconds>.<HMAC of the expiry keyed by the token>`: nothing is stored,
 * the token itself never sits in the cookie, and rotating the token ends every session.
 */
export function createSessions(token: string, ttlMs: number, now: () => number = Date.now) {
  const sign = (expiry: string) => createHmac('sha256', token).update(`codec-session:${expiry}`).digest('base64url');
  return {
    ttlMs,
    issue(): { value: string; expiresAt: Date } {
      const expiry = String(Math.floor((now() + ttlMs) / 1000));
      return { value: `${expiry}.${sign(expiry)}`, expiresAt: new Date(Number(expiry) * 1000) };
    },
    verify(value: string | undefined): boolean {
      const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
      if (!match) return false;
      const [, expiry, mac] = match as unknown as [string, string, string];
      return Number(expiry) * 1000 > now() && sameSecret(mac, sign(expiry));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
