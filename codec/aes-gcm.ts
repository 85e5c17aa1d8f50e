/**
 * AES-256-GCM as this project frames it, in one place: `nonce (12 bytes) ‖ ciphertext ‖ tag (16
 * bytes)`, a fresh random nonce each time, optional associated data binding the ciphertext to its
 * use. The payload codec, the link token and the sealed fields all seal with it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const AES_GCM_OVERHEAD = NONCE_BYTES + TAG_BYTES;

function checkKey(key: Buffer) {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
}

export function sealBytes(key: Buffer, plain: Uint8Array, associatedData?: Uint8Array): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  if (associatedData) cipher.setAAD(associatedData);
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Throws on a wrong key, a tampered byte or a wrong associated data. */
export function openBytes(key: Buffer, sealed: Uint8Array, associatedData?: Uint8Array): Buffer {
  checkKey(key);
  if (sealed.length < AES_GCM_OVERHEAD) throw new Error('sealed data too short');
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  if (associatedData) decipher.setAAD(associatedData);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
}
