/**
 * A secret the citizen typed (a password, or an identifier that authenticates a password renewal)
 * travels to the workflow sealed for the worker alone: the payload codec hides it from the server,
 * and sealing also hides it from an operator whose Temporal UI decodes payloads through the codec
 * server. Only the worker, which holds the field key, can open it.
 */
import { openBytes, sealBytes } from './aes-gcm.js';

const PREFIX = 'sealed:v1:';

export interface FieldSealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createFieldSealer(key: Buffer): FieldSealer {
  if (key.length !== 32) throw new Error('the field key must be 32 bytes');
  return {
    seal: (plain) => PREFIX + sealBytes(key, Buffer.from(plain, 'utf8')).toString('base64url'),
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed field');
      return openBytes(key, Buffer.from(sealed.slice(PREFIX.length), 'base64url')).toString('utf8');
    },
  };
}
