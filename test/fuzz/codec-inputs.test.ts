/**
 * The payload codec and what it cannot decode: for a workflow, junk becomes `undefined` (reported
 * once); for anything else, and for a key ID nobody holds, it still throws. workflow-inputs.test.ts
 * shows the same end to end on the dev server.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload, type SerializationContext } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, UNDECODABLE_METADATA, type UndecodableInput } from '../../codec/aes-gcm-codec.js';
import { undecodablePayloads, unknownKeyPayload } from '../support/fuzz/workflow-junk.js';

const keys = { keyId: 'k1', key: randomBytes(32) };
const workflow: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'renouvellement-1' };
const activity: SerializationContext = { type: 'activity', namespace: 'default', workflowId: 'renouvellement-1', isLocal: true };

function codec() {
  const reported: UndecodableInput[] = [];
  return { codec: new AesGcmCodec(keys, { onUndecodable: (input) => reported.push(input) }), reported };
}

describe('the payload codec, given what it cannot decode', () => {
  it('decodes every payload it encoded, in every context, as before', async () => {
    const { codec: c, reported } = codec();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const payload = defaultPayloadConverter.toPayload(value);
        const [encoded] = await c.encode([payload]);
        for (const context of [undefined, workflow, activity]) {
          const [decoded] = await c.decode([encoded!], context);
          expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(JSON.parse(JSON.stringify(value)));
        }
      }),
      { numRuns: 200 },
    );
    expect(reported).toEqual([]);
  });

  it.each(undecodablePayloads('k1'))('gives a workflow `undefined` for $name, reported once', async ({ payload }) => {
    const { codec: c, reported } = codec();
    for (let i = 0; i < 3; i++) {
      const [decoded] = await c.decode([payload], workflow);
      expect(defaultPayloadConverter.fromPayload(decoded!)).toBeUndefined();
      expect(Buffer.from(decoded!.metadata![UNDECODABLE_METADATA]!).toString()).not.toBe('');
    }
    expect(reported).toHaveLength(1);
    expect(reported[0]!.workflowId).toBe('renouvellement-1');
  });

  it.each(
    undecodablePayloads('k1').filter(({ payload }) => Buffer.from(payload.metadata?.encoding ?? []).toString() === 'binary/encrypted'),
  )('still throws on $name without a workflow context (activities, the codec server)', async ({ payload }) => {
    const { codec: c } = codec();
    await expect(c.decode([payload], activity)).rejects.toThrow();
    await expect(c.decode([payload])).rejects.toThrow();
  });

  it('still throws, for a workflow too, on a ciphertext naming a key ID it does not hold', async () => {
    const { codec: c, reported } = codec();
    await expect(c.decode([unknownKeyPayload()], workflow)).rejects.toThrow('no payload key with ID "cle-inconnue"');
    expect(reported).toEqual([]);
  });

  it('passes payloads in clear that the converter reads (an operator’s CLI) through untouched', async () => {
    const { codec: c, reported } = codec();
    const clear: Payload = defaultPayloadConverter.toPayload({ reason: 'demande de l’usager' });
    expect(await c.decode([clear], workflow)).toEqual([clear]);
    expect(reported).toEqual([]);
  });
});
