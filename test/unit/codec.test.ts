import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, KEY_ID_METADATA } from '../../codec/aes-gcm-codec.js';
import { createFieldOpener, createFieldSealer, publicKeyOf } from '../../codec/sealed-field.js';

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

describe('sealed fields (X25519 + AES-GCM)', () => {
  const privateKey = randomBytes(32);
  const sealer = createFieldSealer({ keyId: 'k1', publicKey: publicKeyOf(privateKey) });

  it('are sealed with the public key alone and opened with the private one', () => {
    const sealed = sealer.seal('Soleil-Marin-2026');
    expect(sealed).toMatch(/^sealed:v2:k1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Soleil');
    expect(sealer.seal('Soleil-Marin-2026')).not.toBe(sealed); // a fresh ephemeral key each time
    expect('open' in sealer).toBe(false); // what the web holds cannot open anything
    expect(createFieldOpener({ keyId: 'k1', privateKeys: new Map([['k1', privateKey]]) }).open(sealed)).toBe('Soleil-Marin-2026');
  });

  it('stay readable after a key rotation, and refuse another key or a tampered byte', () => {
    const sealed = sealer.seal('ancien');
    const rotated = createFieldOpener({
      keyId: 'k2',
      privateKeys: new Map([
        ['k1', privateKey],
        ['k2', randomBytes(32)],
      ]),
    });
    expect(rotated.open(sealed)).toBe('ancien');
    expect(rotated.open(rotated.seal('nouveau'))).toBe('nouveau');
    const stranger = createFieldOpener({ keyId: 'k1', privateKeys: new Map([['k1', randomBytes(32)]]) });
    expect(() => stranger.open(sealed)).toThrow();
    const tampered = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    expect(() => rotated.open(tampered)).toThrow();
    expect(() => createFieldOpener({ keyId: 'k3', privateKeys: new Map([['k1', privateKey]]) })).toThrow(/current ID "k3"/);
  });
});
