/**
 * A secret the citizen typed (a password, or an identifier that authenticates a password renewal)
 * and a password the worker issued travel and rest sealed to the worker's X25519 key: anyone may
 * seal with the public key (the web does), only the worker, which holds the private key, can open.
 * The payload codec hides them from the Temporal server; sealing also hides them from an operator
 * whose Temporal UI decodes payloads, and from the codec server, which holds no field key at all.
 *
 * `sealed:v2:<key ID>:<base64url(ephemeral public key ‖ AES-256-GCM of the text)>`: ECDH between a
 * fresh ephemeral key and the recipient's, HKDF-SHA256 over both public keys, then codec/aes-gcm.ts.
 * The key ID names the recipient key, so keys rotate: the worker keeps previous private keys.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { openBytes, sealBytes } from './aes-gcm.js';

const PREFIX = 'sealed:v2:';
const INFO = Buffer.from('renewal-field-seal-v2');
// DER prefixes of X25519 keys (RFC 8410): raw 32-byte keys in the configuration, KeyObjects here.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export const x25519PrivateKey = (raw: Buffer) =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
export const x25519PublicKey = (raw: Buffer) => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
const rawPublic = (key: KeyObject) => (key.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_PREFIX.length);
/** The raw public key of a raw private one. */
export const publicKeyOf = (rawPrivate: Buffer) => rawPublic(createPublicKey(x25519PrivateKey(rawPrivate)));

export interface FieldSealer {
  seal(plain: string): string;
}

export interface FieldOpener extends FieldSealer {
  open(sealed: string): string;
}

function aesKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer) {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), INFO, 32));
}

/** Seals to one public key (the web's side, and the worker's for the passwords it issues). */
export function createFieldSealer({ keyId, publicKey }: { keyId: string; publicKey: Buffer }): FieldSealer {
  if (publicKey.length !== 32) throw new Error('the field seal public key must be 32 bytes');
  if (keyId.includes(':')) throw new Error('a field seal key ID may not contain ":"');
  const recipient = x25519PublicKey(publicKey);
  return {
    seal(plain) {
      const ephemeral = generateKeyPairSync('x25519');
      const ephemeralPublic = rawPublic(ephemeral.publicKey);
      const key = aesKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), ephemeralPublic, publicKey);
      const body = Buffer.concat([ephemeralPublic, sealBytes(key, Buffer.from(plain, 'utf8'), Buffer.from(keyId))]);
      return `${PREFIX}${keyId}:${body.toString('base64url')}`;
    },
  };
}

/** Opens what was sealed to any of its private keys (the worker's side); seals to the current one. */
export function createFieldOpener({ keyId, privateKeys }: { keyId: string; privateKeys: Map<string, Buffer> }): FieldOpener {
  // Parsed, and their public halves derived, once: not at every field opened.
  const keys = new Map([...privateKeys].map(([id, raw]) => [id, { privateKey: x25519PrivateKey(raw), publicKey: publicKeyOf(raw) }]));
  const current = keys.get(keyId);
  if (!current) throw new Error(`no field seal private key with the current ID "${keyId}"`);
  const sealer = createFieldSealer({ keyId, publicKey: current.publicKey });
  return {
    seal: sealer.seal,
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed field');
      const [id, body] = [sealed.slice(PREFIX.length, sealed.lastIndexOf(':')), sealed.slice(sealed.lastIndexOf(':') + 1)];
      const key = keys.get(id);
      if (!key) throw new Error(`no field seal private key with ID "${id}"`);
      const bytes = Buffer.from(body, 'base64url');
      const ephemeral = bytes.subarray(0, 32);
      const shared = diffieHellman({ privateKey: key.privateKey, publicKey: x25519PublicKey(ephemeral) });
      return openBytes(aesKey(shared, ephemeral, key.publicKey), bytes.subarray(32), Buffer.from(id)).toString('utf8');
    },
  };
}
