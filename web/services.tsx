/**
 * What createApp builds once and hands to every route module: the dependencies, the security
 * codes, the limits, and the delays in words.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { Context } from 'hono';
import { durationInWords } from '../copy/durations.js';
import type { Delays } from '../copy/pages.js';
import { CODE, ERRORS } from '../copy/pages.js';
import { PATHS } from '../domain/paths.js';
import { createCodeChallenges, type CodeChallenges, type CodePurpose } from './captcha/challenge.js';
import { drawCodeImage } from './captcha/image.js';
import { createLimits, type Limits } from './limits.js';
import type { FieldErrors } from './forms.js';
import { tooManyRequests } from './respond.js';
import type { AppEnv, Clock, WebDeps } from './types.js';
import { TooManyPage } from './views/errors.js';

export const CODE_FIELD = 'code';

/** What a form shows of its security code: the code, or why no code is offered for now. */
export type CodeView =
  { purpose: CodePurpose; id: string; imageDataUrl: string; audioUrl: string } | { purpose: CodePurpose; blockedMs: number };

export interface Services {
  deps: WebDeps;
  clock: Clock;
  codes: CodeChallenges;
  limits: Limits;
  /** The security code's lifetime, in words. */
  codeTtl: string;
  delays: Delays;
  /** Draws a code for a form, unless this client typed too many wrong ones lately. */
  codeFor(c: Context<AppEnv>, purpose: CodePurpose): Promise<CodeView>;
  /**
   * One structured line for operators per security event: its name, the client address, and the
   * account it concerns as a keyed hash (never the NUMIC or identifier itself), never a secret.
   */
  audit(c: Context<AppEnv>, event: SecurityEvent, details?: { account?: string } & Record<string, string | number>): void;
  /** A 429 that a limit answered, logged as such; the page says what was refused (or the generic words) and when to come back. */
  refuse(c: Context<AppEnv>, limit: string, retryAfterMs: number, body?: string[], account?: string): Response | Promise<Response>;
  /** Checks the form's code (used up whatever the answer); a wrong one counts against the client. */
  checkCode(
    c: Context<AppEnv>,
    purpose: CodePurpose,
    form: Record<string, string>,
  ): Promise<{ ok: boolean; errors: FieldErrors; blocked: boolean }>;
}

const key = (secret: string, use: string) => Buffer.from(hkdfSync('sha256', secret, '', use, 32));

export const audioUrl = (purpose: CodePurpose, id: string) => `${PATHS.captcha}/${purpose}/audio?c=${id}`;

export type SecurityEvent =
  | 'login-succeeded'
  | 'login-failed'
  | 'login-code-required'
  | 'rate-limited'
  | 'code-wrong'
  | 'post-refused-csrf'
  | 'dependency-unavailable';

export function createServices(deps: WebDeps): Services {
  const clock = deps.clock ?? Date.now;
  const codes = createCodeChallenges({
    key: key(deps.cookieSecret, 'security-code'),
    ttlMs: deps.web.captchaTtlMs,
    store: deps.store,
    clock,
    secureCookies: deps.web.secureCookies,
  });
  const limits = createLimits(deps.store, deps.web.rateLimit, deps.cookieSecret);

  return {
    deps,
    clock,
    codes,
    limits,
    codeTtl: durationInWords(deps.web.captchaTtlMs),
    delays: { linkTtl: durationInWords(deps.renewal.linkTtlMs) },

    async codeFor(c, purpose) {
      const blocked = await limits.codeFailuresPerAddress.reached(c.var.clientAddress);
      if (!blocked.allowed) return { purpose, blockedMs: blocked.retryAfterMs };
      const code = codes.draw(c, purpose);
      return {
        purpose,
        id: code.id,
        imageDataUrl: `data:image/png;base64,${drawCodeImage(code.digits).toString('base64')}`,
        audioUrl: audioUrl(purpose, code.id),
      };
    },

    audit(c, event, { account, ...details } = {}) {
      const accountHash =
        account === undefined ? undefined : createHmac('sha256', deps.cookieSecret).update(`audit\0${account}`).digest('hex').slice(0, 16);
      deps.logger.info({ event, client: c.var.clientAddress, ...(accountHash ? { account: accountHash } : {}), ...details }, event);
    },

    refuse(c, limit, retryAfterMs, body, account) {
      this.audit(c, 'rate-limited', { limit, ...(account ? { account } : {}) });
      return tooManyRequests(c, <TooManyPage body={body ?? [ERRORS.tooMany.body, ERRORS.tooMany.retry(retryAfterMs)]} />, retryAfterMs);
    },

    async checkCode(c, purpose, form) {
      const typed = (form[CODE_FIELD] ?? '').trim();
      const blocked = await limits.codeFailuresPerAddress.reached(c.var.clientAddress);
      if (!blocked.allowed) return { ok: false, blocked: true, errors: { [CODE_FIELD]: CODE.tooMany(blocked.retryAfterMs) } };
      const right = await codes.check(c, purpose, typed);
      if (right) return { ok: true, blocked: false, errors: {} };
      if (/^\d{4}$/.test(typed)) {
        await limits.codeFailuresPerAddress.consume(c.var.clientAddress);
        this.audit(c, 'code-wrong', { form: purpose });
      }
      const message = typed === '' ? CODE.errors.required : /^\d{4}$/.test(typed) ? CODE.errors.wrong : CODE.errors.format;
      return { ok: false, blocked: false, errors: { [CODE_FIELD]: message } };
    },
  };
}
