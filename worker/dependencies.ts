import type { Config } from '../config/index.js';
import type { ActivityDependencies } from '../activities/index.js';
import { createSmtpMailer } from '../adapters/mailer.js';
import { connectRegistry } from '../adapters/registry.js';
import { createSmsProvider } from '../adapters/sms/index.js';
import { createFieldSealer } from '../codec/sealed-field.js';

/** Real adapters from configuration, and how to close them. */
export async function createActivityDependencies(config: Config): Promise<ActivityDependencies & { close(): Promise<void> }> {
  const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  await registry.ensureIndexes();
  const mailer = createSmtpMailer(config.smtp);
  return {
    registry,
    mailer,
    sms: createSmsProvider(config.sms),
    publicBaseUrl: config.web.publicBaseUrl,
    helpdeskEmail: config.smtp.helpdesk,
    sealer: createFieldSealer(config.payloadCodec.fieldSealKey),
    linkKey: config.linkKey,
    linkSecretKey: config.linkSecretKey,
    async close() {
      mailer.close();
      await registry.close();
    },
  };
}
