import type { Payload, PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
interface JsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

const isJsonPayload = (value: object): value is JsonPayload =>
  'metadata' in value && typeof (value as JsonPayload).metadata === 'object' && 'encoding' in (value as JsonPayload).metadata;

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toBase64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('base64');

/**
 * A history as JSON (the format `temporal workflow show --output json` and `historyFromJSON`
 * use) with every payload decoded by the codec: what the replay cases under test/histories hold,
 * so replaying them needs no production key. Record them from demo accounts only.
 */
export async function decodedHistoryJson(history: History, codec: PayloadCodec): Promise<string> {
  async function visit(value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map(visit));
    if (!value || typeof value !== 'object') return value;
    if (isJsonPayload(value)) {
      const payload: Payload = {
        metadata: Object.fromEntries(Object.entries(value.metadata).map(([k, v]) => [k, fromBase64(v)])),
        data: fromBase64(value.data ?? ''),
      };
      const [decoded] = await codec.decode([payload]);
      return {
        metadata: Object.fromEntries(Object.entries(decoded!.metadata ?? {}).map(([k, v]) => [k, toBase64(v)])),
        data: toBase64(decoded!.data),
      };
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = await visit(field);
    return out;
  }
  return JSON.stringify(await visit(JSON.parse(historyToJSON(history))), null, 2);
}
