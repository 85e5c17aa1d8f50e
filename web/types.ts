import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Account } from '../adapters/registry.js';
import type { Email } from '../adapters/mailer.js';
import type { Config } from '../config/index.js';
import type { RenewalClient } from '../client/renewals.js';
import type { CaptchaStore } from './captcha.js';
import type { Session, SessionStore } from './session.js';

export type Clock = () => number;

/** What the pages need from the renewal client API: nothing else reaches Temporal. */
export type RenewalApi = Pick<RenewalClient, 'requestRenewal' | 'openLink' | 'submitPassword'>;

/** The registry is read for the login screen only, never to decide a renewal. */
export interface AccountLookup {
  findByIdentifier(identifier: string): Promise<Pick<Account, 'identifier' | 'passwordHash'> | null>;
}

export interface HelpdeskMailer {
  send(email: Email): Promise<void>;
}

export interface WebDeps {
  renewals: RenewalApi;
  accounts: AccountLookup;
  mailer: HelpdeskMailer;
  web: Config['web'];
  /** Delays the pages announce (they are enforced by the workflow). */
  renewal: Pick<Config['renewal'], 'linkTtlMs' | 'passwordStepTtlMs'>;
  helpdeskEmail: string;
  logger: Logger;
  clock?: Clock;
  sessions?: SessionStore;
  captchas?: CaptchaStore;
  /** The client's address for per-IP limits; defaults to the socket (or X-Forwarded-For behind a trusted proxy). */
  clientAddress?: (c: Context) => string;
}

export interface AppEnv {
  Variables: {
    session: Session | undefined;
    ensureSession: () => Promise<Session>;
    renewSession: () => Promise<Session>;
    endSession: () => void;
    /** The parsed form of a POST, read once by the CSRF check and reused by the route. */
    form: Record<string, string>;
    /** What a per-account rate limit counts: the normalised NUMIC or identifier. */
    accountKey: string;
    /** Set by hono-rate-limiter. */
    rateLimit: { resetTime?: Date } | undefined;
  };
}
