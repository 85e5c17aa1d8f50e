/**
 * AES-256-GCM payload codec: what the Temporal server stores (history, UI) holds no email, phone,
 * password or identifier in clear. The key ID travels in the payload metadata so keys can rotate:
 * new payloads use the current key, older ones are decrypted with the key they name.
 */
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: a default import works under both Node and vitest
import { openBytes, sealBytes } from './aes-gcm.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

export interface CodecKeys {
  keyId: string;
  key: Buffer;
  previousKeys?: Map<string, Buffer>;
}

export class AesGcmCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly current: CodecKeys) {
    if (current.key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.keys = new Map([...(current.previousKeys ?? []), [current.keyId, current.key]]);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.current.keyId),
      },
      data: sealBytes(this.current.key, ProtoPayload.encode(payload).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`no payload key with ID "${keyId}"`);
      return ProtoPayload.decode(openBytes(key, payload.data ?? new Uint8Array()));
    });
  }
}
