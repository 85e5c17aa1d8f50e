/**
 * Payloads as proto3 JSON (every bytes field base64): the shape the codec server protocol carries.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface JSONPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');

export function fromJsonPayload({ metadata, data }: JSONPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, bytes(value)])),
    data: bytes(data ?? ''),
  };
}

export function toJsonPayload({ metadata, data }: Payload): JSONPayload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, base64(value)])),
    data: base64(data ?? new Uint8Array()),
  };
}

/**
 * Decodes, one by one, the payloads a codec can read; a payload it cannot (written under a key this
 * process does not hold) is returned unchanged, so one bad payload never hides the others.
 */
export async function decodeJsonPayloads(
  payloads: JSONPayload[],
  codec: PayloadCodec,
): Promise<{ payloads: JSONPayload[]; failures: number }> {
  let failures = 0;
  const decoded = await Promise.all(
    payloads.map(async (json) => {
      try {
        const [payload] = await codec.decode([fromJsonPayload(json)]);
        return toJsonPayload(payload!);
      } catch {
        failures++;
        return json;
      }
    }),
  );
  return { payloads: decoded, failures };
}

export async function encodeJsonPayloads(payloads: JSONPayload[], codec: PayloadCodec): Promise<JSONPayload[]> {
  return (await codec.encode(payloads.map(fromJsonPayload))).map(toJsonPayload);
}
