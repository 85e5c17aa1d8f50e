/** The web's real dependencies from configuration (Temporal client, registry, store, mailer), and how to close them. */
import type { Logger } from 'pino';
import { createSmtpMailer } from '../adapters/mailer.js';
import { connectStore } from '../adapters/redis.js';
import { connectRegistry } from '../adapters/registry.js';
import { createAccountLogin } from '../client/accounts.js';
import { connectTemporal } from '../client/connect.js';
import { createRenewalClient, type RenewalClient } from '../client/renewals.js';
import { createFieldSealer } from '../codec/sealed-field.js';
import type { Config } from '../config/index.js';
import { createCodeSpeech } from './captcha/audio.js';
import type { WebDeps } from './types.js';

export async function connectWebDependencies(
  config: Config,
  logger: Logger,
): Promise<WebDeps & { renewals: RenewalClient; close(): Promise<void> }> {
  const temporal = await connectTemporal(config);
  const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  const store = await connectStore(config.store.url);
  const mailer = createSmtpMailer(config.smtp);
  const renewals = createRenewalClient({
    client: temporal.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.renewal,
    renewalIdSecret: config.temporal.renewalIdSecret,
    sealer: createFieldSealer(config.payloadCodec.fieldSealKey),
    linkKey: config.linkKey,
  });
  return {
    renewals,
    accounts: createAccountLogin(registry),
    mailer,
    store,
    speech: createCodeSpeech(),
    web: config.web,
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
