/** The web's real dependencies from configuration (Temporal client, registry, mailer), and how to close them. */
import type { Logger } from 'pino';
import { createSmtpMailer } from '../adapters/mailer.js';
import { connectRegistry } from '../adapters/registry.js';
import { connectTemporal } from '../client/connect.js';
import { createRenewalClient, type RenewalClient } from '../client/renewals.js';
import { createFieldSealer } from '../codec/sealed-field.js';
import type { Config } from '../config/index.js';
import type { WebDeps } from './types.js';

export async function connectWebDependencies(
  config: Config,
  logger: Logger,
): Promise<WebDeps & { renewals: RenewalClient; close(): Promise<void> }> {
  const temporal = await connectTemporal(config);
  const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  const mailer = createSmtpMailer(config.smtp);
  const renewals = createRenewalClient({
    client: temporal.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.renewal,
    renewalIdSecret: config.temporal.renewalIdSecret,
    sealer: createFieldSealer(config.payloadCodec.fieldSealKey),
  });
  return {
    renewals,
    accounts: registry,
    mailer,
    web: config.web,
    renewal: config.renewal,
    helpdeskEmail: config.smtp.helpdesk,
    logger,
    async close() {
      mailer.close();
      await Promise.allSettled([registry.close(), temporal.close()]);
    },
  };
}
