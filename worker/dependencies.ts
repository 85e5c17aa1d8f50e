import type { Logger } from 'pino';
import type { ActivityDependencies } from '../activities/index.js';
import { createSmtpMailer } from '../adapters/mailer.js';
import { connectRegistry } from '../adapters/registry.js';
import { createSmsProvider } from '../adapters/sms/index.js';
import { createFieldOpener } from '../codec/sealed-field.js';
import type { WorkerConfig } from '../config/index.js';
import { reach } from '../config/startup.js';

/** Real adapters from configuration, and how to close them. */
export async function createActivityDependencies(
  config: Pick<WorkerConfig, 'mongo' | 'smtp' | 'sms' | 'portal' | 'linkKey' | 'fieldOpen'>,
  logger?: Logger,
): Promise<ActivityDependencies & { close(): Promise<void> }> {
  const registry = await reach('the registry (MongoDB)', config.mongo.uri, 'MONGODB_URI', () =>
    connectRegistry(config.mongo.uri, config.mongo.database),
  );
  await registry.ensureIndexes();
  const mailer = createSmtpMailer(config.smtp);
  return {
    registry,
    mailer,
    sms: createSmsProvider(config.sms),
    publicBaseUrl: config.portal.publicBaseUrl,
    helpdeskEmail: config.smtp.helpdesk,
    sealer: createFieldOpener(config.fieldOpen),
    linkKey: config.linkKey,
    linkSecretKey: config.fieldOpen.linkSecretKey,
    logger,
    async close() {
      mailer.close();
      await registry.close();
    },
  };
}
