/**
 * Secrets as a process reads them. In production each must be set, long enough, and different from
 * every other one the process holds; each refusal names its variable in one line. Outside
 * production a missing secret is generated once and kept under DATA_DIR/secrets/, so the embedded
 * setup works with no configuration and survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { publicKeyOf } from '../codec/sealed-field.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Shorter than this, a text secret (a cookie secret, a token) is refused in production. */
const MIN_TEXT_SECRET_LENGTH = 32;

const newKey = () => randomBytes(32).toString('base64');
const newText = () => randomBytes(32).toString('base64url');

/**
 * A fresh value for every secret a production deployment sets, each its own; the field seal keys a
 * matching X25519 pair (`npm run generate-secrets` prints them).
 */
export function freshProductionSecrets() {
  const fieldPrivateKey = randomBytes(32);
  return {
    PAYLOAD_KEY: newKey(),
    LINK_KEY: newKey(),
    FIELD_SEAL_PRIVATE_KEY: fieldPrivateKey.toString('base64'),
    FIELD_SEAL_PUBLIC_KEY: publicKeyOf(fieldPrivateKey).toString('base64'),
    COOKIE_SECRET: newText(),
    RENEWAL_ID_SECRET: newText(),
    CODEC_SERVER_TOKEN: newText(),
  };
}

export interface Secrets {
  /** A key of exactly 32 bytes, base64-encoded. */
  key(name: string, value: string | undefined): Buffer;
  /** A text secret (any characters), at least 32 long in production. */
  text(name: string, value: string | undefined): string;
  /** "id:base64key,…": keys kept to read what older ones wrote (rotation). */
  keyRing(name: string, value: string | undefined): Map<string, Buffer>;
}

/** Each secret read is remembered, so that in production two variables holding the same one are refused. */
export function secretsFor(dataDir: string, production: boolean): Secrets {
  const seen = new Map<string, string>(); // secret value → variable name

  function remember(name: string, value: string) {
    const other = seen.get(value);
    if (other && other !== name && production) throw new ConfigError(`${name} and ${other} hold the same secret: give each its own`);
    seen.set(value, name);
  }

  function read(name: string, value: string | undefined, generate: () => string): string {
    if (value === undefined || value === '') {
      if (production) throw new ConfigError(`${name} must be set in production`);
      value = generated(dataDir, name, generate);
    }
    remember(name, value);
    return value;
  }

  const asKey = (name: string, text: string) => {
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim())) {
      throw new ConfigError(`${name} must be 32 random bytes, base64-encoded (openssl rand -base64 32)`);
    }
    return key;
  };

  return {
    key: (name, value) => asKey(name, read(name, value, newKey)),
    text(name, value) {
      const text = read(name, value, newText);
      if (production && text.length < MIN_TEXT_SECRET_LENGTH)
        throw new ConfigError(`${name} must be at least ${MIN_TEXT_SECRET_LENGTH} characters in production`);
      return text;
    },
    keyRing(name, value) {
      const ring = new Map<string, Buffer>();
      for (const entry of (value ?? '').split(',').filter(Boolean)) {
        const [id, key] = entry.split(':');
        if (!id || !key) throw new ConfigError(`${name} must look like "id:base64key,..."`);
        ring.set(id.trim(), asKey(name, key.trim()));
      }
      return ring;
    },
  };
}

/** A secret generated once for this data folder (two processes starting together read the same one). */
function generated(dataDir: string, name: string, generate: () => string): string {
  const file = resolve(dataDir, 'secrets', name.toLowerCase());
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, generate(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
