/**
 * The 4-digit security code. svg-captcha draws it; the digits are drawn with crypto randomness
 * here (the library's own draw uses Math.random). Only an HMAC of the answer is kept, bound to
 * the session and the form, for one check, until it expires.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import { CAPTCHA } from '../copy/pages.js';
import type { Clock } from './types.js';

/** Each form has its own code, so two tabs (request form, help form) do not invalidate each other. */
export type CaptchaPurpose = 'request' | 'link' | 'help';
export const CAPTCHA_PURPOSES: readonly CaptchaPurpose[] = ['request', 'link', 'help'];

export interface CaptchaChallenge {
  purpose: CaptchaPurpose;
  /** Inline SVG markup drawn by svg-captcha: paths only, no script, no style. */
  svg: string;
  /** The text alternative: each digit spelled out in French. */
  words: string[];
}

export interface CaptchaStore {
  issue(sessionId: string, purpose: CaptchaPurpose): CaptchaChallenge;
  /** Single use: the code is consumed whatever the answer. */
  verify(sessionId: string, purpose: CaptchaPurpose, answer: string): boolean;
  /** The clear answer, only when the store was built for tests; otherwise always undefined. */
  answerForTests(sessionId: string, purpose?: CaptchaPurpose): string | undefined;
}

interface Entry {
  digest: Buffer;
  expiresAt: number;
  issuedAt: number;
  answer?: string;
}

export interface CaptchaStoreOptions {
  clock: Clock;
  ttlMs: number;
  /** Keeps clear answers for the test-only hook. Never true in production (config forbids it). */
  keepAnswersForTests?: boolean;
  maxEntries?: number;
}

// The library's rendering function takes the text to draw; its typings only declare `create`.
type DrawingOptions = NonNullable<Parameters<typeof svgCaptcha.create>[0]>;
const render = svgCaptcha as unknown as (text: string, options: DrawingOptions) => string;
const DRAWING: DrawingOptions = { width: 180, height: 64, fontSize: 64, noise: 3, color: false };

export function createCaptchaStore({ clock, ttlMs, keepAnswersForTests = false, maxEntries = 200_000 }: CaptchaStoreOptions): CaptchaStore {
  const key = randomBytes(32);
  const entries = new Map<string, Entry>();
  const slot = (sessionId: string, purpose: CaptchaPurpose) => `${sessionId}:${purpose}`;
  const digest = (sessionId: string, purpose: CaptchaPurpose, answer: string) =>
    createHmac('sha256', key).update(`${sessionId}\0${purpose}\0${answer}`).digest();

  function sweep(now: number) {
    for (const [id, entry] of entries) {
      if (entry.expiresAt > now && entries.size < maxEntries) break;
      entries.delete(id);
    }
  }

  return {
    issue(sessionId, purpose) {
      const now = clock();
      sweep(now);
      const answer = Array.from({ length: 4 }, () => String(randomInt(10))).join('');
      const id = slot(sessionId, purpose);
      entries.delete(id); // re-insert last: the map stays ordered by expiry
      entries.set(id, {
        digest: digest(sessionId, purpose, answer),
        expiresAt: now + ttlMs,
        issuedAt: now,
        ...(keepAnswersForTests ? { answer } : {}),
      });
      return { purpose, svg: render(answer, DRAWING), words: [...answer].map((d) => CAPTCHA.digits[Number(d)]!) };
    },

    verify(sessionId, purpose, answer) {
      const id = slot(sessionId, purpose);
      const entry = entries.get(id);
      entries.delete(id);
      if (!entry || clock() >= entry.expiresAt) return false;
      return timingSafeEqual(entry.digest, digest(sessionId, purpose, answer.trim()));
    },

    answerForTests(sessionId, purpose) {
      if (!keepAnswersForTests) return undefined;
      const candidates = (purpose ? [purpose] : CAPTCHA_PURPOSES)
        .map((p) => entries.get(slot(sessionId, p)))
        .filter((e): e is Entry => e !== undefined && e.expiresAt > clock())
        .sort((a, b) => b.issuedAt - a.issuedAt);
      return candidates[0]?.answer;
    },
  };
}
