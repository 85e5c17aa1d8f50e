import type { Logger } from 'pino';
import type { Mailer } from '../adapters/mailer.js';
import type { Registry } from '../adapters/registry.js';
import type { SmsProvider } from '../adapters/sms/index.js';
import type { FieldOpener } from '../codec/sealed-field.js';

/** What the activities need, given by the worker (worker/dependencies.ts) or by a test. */
export interface ActivityDependencies {
  registry: Registry;
  mailer: Mailer;
  sms: SmsProvider;
  /** Links are built from it, never from a request. */
  publicBaseUrl: string;
  helpdeskEmail: string;
  /** Opens the secrets the client sealed, and seals issued passwords for the worker alone. */
  sealer: FieldOpener;
  /** Seals the workflow and run IDs into each link (codec/link-token.ts). */
  linkKey: Buffer;
  /** Draws each link's secret (domain/link-secret.ts): the worker's alone. */
  linkSecretKey: Buffer;
  /** Security events for operators (a lock-out, a refused renewal): one structured line each. */
  logger?: Pick<Logger, 'info' | 'error'>;
  /** Crypto randomness by default; injectable to force identifier collisions in tests. */
  newIdentifier?: () => string;
  newPassword?: () => string;
}
