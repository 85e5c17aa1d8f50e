/**
 * `npm run generate-secrets`: prints a fresh set of every secret the processes use, in .env form, to
 * paste into a deployment's secrets (docker compose's .env). The field seal keys come as a matching
 * X25519 pair: the private one is the worker's alone, the public one the web's.
 */
import { randomBytes } from 'node:crypto';
import { publicKeyOf } from '../codec/sealed-field.js';

const key = () => randomBytes(32).toString('base64');
const text = () => randomBytes(32).toString('base64url');
const fieldPrivateKey = randomBytes(32);

const secrets = {
  PAYLOAD_KEY: key(),
  LINK_KEY: key(),
  FIELD_SEAL_PRIVATE_KEY: fieldPrivateKey.toString('base64'),
  FIELD_SEAL_PUBLIC_KEY: publicKeyOf(fieldPrivateKey).toString('base64'),
  COOKIE_SECRET: text(),
  RENEWAL_ID_SECRET: text(),
  CODEC_SERVER_TOKEN: text(),
};
for (const [name, value] of Object.entries(secrets)) console.log(`${name}=${value}`);
