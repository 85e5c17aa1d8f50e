/**
 * The web app's dependencies and its Hono environment. Each middleware owns the type of the
 * variables it sets (web/middleware/*): the app's environment is their sum, and nothing imports back.
 */
import type { Logger } from 'pino';
import type { Email } from '../adapters/mailer.js';
import type { Store } from '../adapters/redis.js';
import type { AccountLogin } from '../client/accounts.js';
import type { RenewalClient } from '../client/renewals.js';
import type { Config } from '../config/index.js';
import type { CodeSpeech } from './captcha/audio.js';
import type { ClientAddressVariables } from './middleware/client-address/index.js';
import type { CsrfVariables } from './middleware/csrf/index.js';
import type { FormVariables } from './middleware/form/index.js';
import type { SessionVariables } from './middleware/session/index.js';

export type Clock = () => number;

/** What the pages need from the renewal client API: nothing else reaches Temporal. */
export type RenewalApi = Pick<RenewalClient, 'requestRenewal' | 'linkState' | 'submitSecret' | 'submissionOutcome'>;

export interface WebDeps {
  renewals: RenewalApi;
  /** The login screen's look-ups: the web never reads the registry to decide a renewal. */
  accounts: Pick<AccountLogin, 'logIn' | 'stillValid'>;
  /** Sends the help desk's messages. */
  mailer: { send(email: Email): Promise<void> };
  /** Sessions, security codes and limits, shared by every web instance. */
  store: Store;
  speech: CodeSpeech;
  web: Config['web'];
  /** Signs cookies and keys the web's derived keys (security codes, limits). */
  cookieSecret: string;
  /** Delays the pages announce (the workflow enforces them). */
  renewal: Pick<Config['renewal'], 'linkTtlMs'>;
  helpdeskEmail: string;
  logger: Logger;
  clock?: Clock;
}

export interface AppEnv {
  Variables: SessionVariables & CsrfVariables & FormVariables & ClientAddressVariables;
}
