import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { createCodeSpeech } from '../../web/captcha/audio.js';
import { CODE_IMAGE_HEIGHT, CODE_IMAGE_WIDTH, drawCodeImage } from '../../web/captcha/image.js';

describe('the security code picture', () => {
  const png = drawCodeImage('4821');

  it('is a PNG of the announced size', () => {
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([180, 64]);
    expect([CODE_IMAGE_WIDTH, CODE_IMAGE_HEIGHT]).toEqual([180, 64]);
  });

  it('carries pixels only: no SVG structure, no answer in clear', () => {
    const text = png.toString('latin1');
    expect(text).not.toContain('<svg');
    expect(text).not.toContain('<path');
    expect(text).not.toContain('4821');
  });

  it('refuses anything but digits (svg-captcha would draw a code of its own for an empty text)', () => {
    expect(() => drawCodeImage('')).toThrow();
    expect(() => drawCodeImage('12a4')).toThrow();
  });
});

describe('the security code speech', () => {
  const speech = createCodeSpeech();
  const words = ['quatre', 'huit', 'deux', 'un'];
  const seed = (n: number) => Buffer.alloc(32, n);
  const read = (bytes: Buffer) => {
    const wav = new wavefile.WaveFile(bytes);
    const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };
    const samples = wav.getSamples();
    return { fmt, samples, seconds: samples.length / fmt.sampleRate };
  };

  it('is a 16-bit mono WAV file of a few seconds', async () => {
    const bytes = await speech.speak(words, seed(1));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
    const { fmt, seconds } = read(bytes);
    expect(fmt).toMatchObject({ numChannels: 1, bitsPerSample: 16, sampleRate: 22050 });
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(8);
  });

  it('is the same for the same seed, and differs from one seed to another', async () => {
    const [a, again, b] = await Promise.all([speech.speak(words, seed(1)), speech.speak(words, seed(1)), speech.speak(words, seed(2))]);
    expect(again.equals(a)).toBe(true);
    expect(b.equals(a)).toBe(false);
    const [first, second] = [read(a).samples, read(b).samples];
    const sameSamples = first.length === second.length && first.every((s, i) => s === second[i]);
    expect(sameSamples).toBe(false);
  });

  it('never passes arbitrary text to espeak-ng', async () => {
    await expect(speech.speak(['quatre', '--help'], seed(1))).rejects.toThrow();
    await expect(speech.speak(['4'], seed(1))).rejects.toThrow();
    await expect(speech.speak(['a'.repeat(21)], seed(1))).rejects.toThrow();
    await expect(speech.speak([], seed(1))).rejects.toThrow();
  });

  it('fails with a message naming espeak-ng when the program is missing, hangs, exits non-zero or says no WAV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'captcha-speech-'));
    const hang = join(dir, 'hang');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 10\n');
    chmodSync(hang, 0o755);
    try {
      await expect(createCodeSpeech({ espeakPath: join(dir, 'missing') }).speak(words, seed(1))).rejects.toThrow(
        /espeak-ng failed: not found/,
      );
      await expect(createCodeSpeech({ espeakPath: hang, timeoutMs: 200 }).speak(words, seed(1))).rejects.toThrow(
        /espeak-ng failed: no answer/,
      );
      await expect(createCodeSpeech({ espeakPath: '/bin/false' }).speak(words, seed(1))).rejects.toThrow(/espeak-ng failed: exit code 1/);
      await expect(createCodeSpeech({ espeakPath: '/bin/echo' }).speak(words, seed(1))).rejects.toThrow(
        /espeak-ng failed: output is not a WAV/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
