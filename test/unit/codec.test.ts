import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, KEY_ID_METADATA } from '../../codec/aes-gcm-codec.js';

describe('AesGcmCodec', () => {
  const payload = defaultPayloadConverter.toPayload({ email: 'camille.martin@example.org', password: 'Soleil-Marin-2026' });

  it('hides the content and round-trips it', async () => {
    const codec = new AesGcmCodec({ keyId: 'k1', key: randomBytes(32) });
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('camille');
    expect(Buffer.from(encoded!.metadata![KEY_ID_METADATA]!).toString()).toBe('k1');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ email: 'camille.martin@example.org', password: 'Soleil-Marin-2026' });
  });

  it('decodes payloads written under a rotated key', async () => {
    const oldKey = randomBytes(32);
    const [old] = await new AesGcmCodec({ keyId: 'k1', key: oldKey }).encode([payload]);
    const rotated = new AesGcmCodec({ keyId: 'k2', key: randomBytes(32), previousKeys: new Map([['k1', oldKey]]) });
    const [decoded] = await rotated.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toMatchObject({ password: 'Soleil-Marin-2026' });
  });

  it('refuses a tampered payload', async () => {
    const codec = new AesGcmCodec({ keyId: 'k1', key: randomBytes(32) });
    const [encoded] = await codec.encode([payload]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow();
  });
});
