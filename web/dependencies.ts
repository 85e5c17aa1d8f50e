/** The web's real dependencies from configuration (Temporal client, registry, store, mailer), and how to close them. */
import type { Logger } from 'pino';
import { createSmtpMailer } from '../adapters/mailer.js';
import { connectStore } from '../adapters/redis.js';
import { connectRegistry } from '../adapters/registry.js';
import { createAccountLogin } from '../client/accounts.js';
import { connectTemporal } from '../client/connect.js';
import { renewalClientFor, type RenewalClient } from '../client/renewals.js';
import type { WebConfig } from '../config/index.js';
import { reach } from '../config/startup.js';
import { createCodeSpeech } from './captcha/audio.js';
import type { WebDeps } from './types.js';

export async function connectWebDependencies(
  config: WebConfig,
  logger: Logger,
): Promise<WebDeps & { renewals: RenewalClient; close(): Promise<void> }> {
  const temporal = await reach('Temporal', config.temporal.address, 'TEMPORAL_ADDRESS', () => connectTemporal(config));
  const registry = await reach('the registry (MongoDB)', config.mongo.uri, 'MONGODB_URI', () =>
    connectRegistry(config.mongo.uri, config.mongo.database),
  );
  const store = await reach('the shared store (Redis)', config.store.url.replace(/\/\/[^@/]*@/, '//'), 'REDIS_URL', () =>
    connectStore(config.store.url),
  );
  const mailer = createSmtpMailer(config.smtp);
  const renewals = renewalClientFor(temporal.client, config);
  return {
    renewals,
    accounts: createAccountLogin(registry),
    mailer,
    store,
    speech: createCodeSpeech(),
    web: config.web,
    cookieSecret: config.cookieSecret,
    renewal: config.renewal,
    helpdeskEmail: config.smtp.helpdesk,
    logger,
    async close() {
      mailer.close();
      store.disconnect();
      await Promise.allSettled([registry.close(), temporal.close()]);
    },
  };
}
