import { randomBytes } from 'node:crypto';
import { publicKeyOf } from '../../codec/sealed-field.js';
import { loadConfig, type Config } from '../../config/index.js';

/** The configuration the tests run with (test ports and data folder, set up by test/global-setup.ts). */
export const testConfig = (overrides: Record<string, string> = {}): Config => loadConfig({ ...process.env, ...overrides });

/** A full set of production secrets, each its own, valid (the field seal keys a matching pair). */
export function productionSecrets(): Record<string, string> {
  const key = () => randomBytes(32).toString('base64');
  const text = () => randomBytes(32).toString('base64url');
  const fieldPrivate = randomBytes(32);
  return {
    PAYLOAD_KEY: key(),
    LINK_KEY: key(),
    FIELD_SEAL_PRIVATE_KEY: fieldPrivate.toString('base64'),
    FIELD_SEAL_PUBLIC_KEY: publicKeyOf(fieldPrivate).toString('base64'),
    COOKIE_SECRET: text(),
    RENEWAL_ID_SECRET: text(),
    CODEC_SERVER_TOKEN: text(),
  };
}
