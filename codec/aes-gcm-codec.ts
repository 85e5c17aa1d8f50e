/**
 * AES-256-GCM payload codec: what the Temporal server stores (history, UI) holds no email, phone,
 * password or identifier in clear. The key ID travels in the payload metadata so keys can rotate:
 * new payloads use the current key, older ones are decrypted with the key they name.
 *
 * Anyone who reaches the Temporal server can send a workflow a payload of their own making. Decoded
 * for a workflow (its start input, signal, update and query arguments), a payload that cannot be
 * decoded — a ciphertext that does not open under the key it names, one without a key ID, or a
 * payload in clear that the payload converter would refuse (unknown encoding, broken JSON) — would
 * fail the workflow task at every retry and stop the run for good. It is decoded instead as
 * `undefined` (`binary/null`, with the reason in its metadata), which every handler's validator
 * refuses, and reported once per workflow and reason. A ciphertext naming a key ID this process
 * does not hold still fails: that is what a key rotation done in the wrong order looks like, and
 * the task must fail loudly until the key is configured rather than drop a citizen's request.
 * Anything else (activity inputs and results, payloads decoded without a context: the codec
 * server) is decoded strictly, as before. docs/fuzzing.md says what this can and cannot hide.
 */
import {
  METADATA_ENCODING_KEY,
  defaultPayloadConverter,
  type Payload,
  type PayloadCodec,
  type SerializationContext,
} from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: a default import works under both Node and vitest
import { openBytes, sealBytes } from './aes-gcm.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** On the `undefined` an undecodable workflow input is decoded as: why it could not be decoded. */
export const UNDECODABLE_METADATA = 'undecodable';

export interface CodecKeys {
  keyId: string;
  key: Buffer;
  previousKeys?: Map<string, Buffer>;
}

export interface UndecodableInput {
  workflowId: string;
  reason: string;
}

export interface CodecOptions {
  /** Told once per workflow and reason (at most REPORTED_MAX of them remembered); a warning line on stderr by default. */
  onUndecodable?: (input: UndecodableInput) => void;
}

const REPORTED_MAX = 1000;
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString() : '');

export class AesGcmCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly reported = new Set<string>();
  private readonly onUndecodable: (input: UndecodableInput) => void;

  constructor(
    private readonly current: CodecKeys,
    options: CodecOptions = {},
  ) {
    if (current.key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.keys = new Map([...(current.previousKeys ?? []), [current.keyId, current.key]]);
    this.onUndecodable =
      options.onUndecodable ??
      ((input) =>
        console.warn(
          JSON.stringify({ level: 'warn', event: 'undecodable-workflow-input', ...input, msg: 'payload decoded as undefined' }),
        ));
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

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (context?.type !== 'workflow') return payloads.map((payload) => this.open(payload));
    return payloads.map((payload) => this.openWorkflowInput(payload, context.workflowId));
  }

  /** Strict: a payload that cannot be opened throws. */
  private open(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || text(encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no payload key with ID "${keyId}"`);
    return ProtoPayload.decode(openBytes(key, payload.data ?? new Uint8Array()));
  }

  /** For a workflow: what cannot be decoded becomes `undefined`, except a ciphertext under a key this process lacks. */
  private openWorkflowInput(payload: Payload, workflowId: string): Payload {
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING) {
      if (keyId && !this.keys.has(keyId)) return this.open(payload); // throws: a key to configure, never junk to drop
      try {
        return this.open(payload);
      } catch {
        return this.undecodable(workflowId, keyId ? 'ciphertext that does not open under its key' : 'ciphertext without a key ID');
      }
    }
    try {
      defaultPayloadConverter.fromPayload(payload); // what the workflow's converter will do with it
      return payload;
    } catch {
      return this.undecodable(workflowId, 'payload the payload converter refuses');
    }
  }

  private undecodable(workflowId: string, reason: string): Payload {
    const key = `${workflowId}\0${reason}`;
    if (!this.reported.has(key)) {
      if (this.reported.size >= REPORTED_MAX) this.reported.clear();
      this.reported.add(key);
      this.onUndecodable({ workflowId, reason });
    }
    return { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/null'), [UNDECODABLE_METADATA]: Buffer.from(reason) } };
  }
}
