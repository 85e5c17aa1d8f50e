/**
 * The 4-digit security code. Drawing one creates no state on the server: the digits (from crypto
 * randomness), the expiry and the seed of its spoken version travel sealed (AES-256-GCM) in an
 * HttpOnly cookie of that browser, one per form, so a flood of page views costs the store nothing.
 * Checking one is where state begins: the code's ID is claimed in the shared store (SET NX, expiring
 * with the code), so each code is checked once, right or wrong, on any web instance.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Store } from '../../adapters/redis.js';
import { openBytes, sealBytes } from '../../codec/aes-gcm.js';

/** Each form has its own code, so two tabs (request form, help form) do not invalidate each other. */
export const CODE_PURPOSES = ['request', 'link', 'help', 'login'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];
export const isCodePurpose = (value: unknown): value is CodePurpose => CODE_PURPOSES.includes(value as CodePurpose);

export interface DrawnCode {
  purpose: CodePurpose;
  /** Not secret: names the code (the audio's address changes with it). */
  id: string;
  digits: string;
  /** Seeds the spoken version (captcha/audio.ts): the same code always sounds the same. */
  seed: Buffer;
  expiresAt: number;
}

export interface CodeChallengesOptions {
  /** 32 bytes, the web's own (config: derived from COOKIE_SECRET). */
  key: Buffer;
  ttlMs: number;
  store: Store;
  clock: () => number;
  secureCookies: boolean;
}

const cookieName = (purpose: CodePurpose) => `code-${purpose}`;
const associated = (purpose: CodePurpose) => Buffer.from(`security-code:${purpose}`);

export function createCodeChallenges({ key, ttlMs, store, clock, secureCookies }: CodeChallengesOptions) {
  const prefix = secureCookies ? ('host' as const) : undefined;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: secureCookies,
    path: '/',
    maxAge: Math.ceil(ttlMs / 1000),
    ...(prefix ? { prefix } : {}),
  };

  /** The browser's current code for this form, if it holds a valid, unexpired one. */
  function current(c: Context, purpose: CodePurpose): DrawnCode | undefined {
    const sealed = getCookie(c, cookieName(purpose), prefix);
    if (!sealed) return undefined;
    try {
      const { id, digits, seed, expiresAt } = JSON.parse(
        openBytes(key, Buffer.from(sealed, 'base64url'), associated(purpose)).toString('utf8'),
      );
      if (typeof expiresAt !== 'number' || clock() >= expiresAt) return undefined;
      return { purpose, id, digits, seed: Buffer.from(seed, 'base64url'), expiresAt };
    } catch {
      return undefined; // altered, or sealed under another key
    }
  }

  return {
    current,

    /** Draws a new code for this form and hands it to the browser (replacing its previous one). */
    draw(c: Context, purpose: CodePurpose): DrawnCode {
      const code: DrawnCode = {
        purpose,
        id: randomBytes(12).toString('base64url'),
        digits: Array.from({ length: 4 }, () => String(randomInt(10))).join(''),
        seed: randomBytes(16),
        expiresAt: clock() + ttlMs,
      };
      const plain = JSON.stringify({ id: code.id, digits: code.digits, seed: code.seed.toString('base64url'), expiresAt: code.expiresAt });
      setCookie(c, cookieName(purpose), sealBytes(key, Buffer.from(plain), associated(purpose)).toString('base64url'), cookieOptions);
      return code;
    },

    /** Whether this code was already checked (its audio is then gone too). */
    async used(code: DrawnCode): Promise<boolean> {
      return (await store.exists(`code-used:${code.id}`)) === 1;
    },

    /**
     * Checks the typed digits against the browser's code, once: the code is used up whatever the
     * answer. A store that is down throws (the page says so): a code is never accepted unchecked.
     */
    async check(c: Context, purpose: CodePurpose, typed: string): Promise<boolean> {
      const code = current(c, purpose);
      deleteCookie(c, cookieName(purpose), cookieOptions);
      if (!code) return false;
      const claimed = await store.set(`code-used:${code.id}`, '1', 'PX', Math.max(1, code.expiresAt - clock()), 'NX');
      if (claimed !== 'OK') return false; // replayed
      // Compared as bytes: four characters may be more than four bytes (« éééé »), which timingSafeEqual refuses with an error.
      const given = Buffer.from(typed);
      return given.length === code.digits.length && timingSafeEqual(given, Buffer.from(code.digits));
    },
  };
}

export type CodeChallenges = ReturnType<typeof createCodeChallenges>;
