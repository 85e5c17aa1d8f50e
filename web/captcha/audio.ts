/**
 * The security code as speech, the alternative to the picture. espeak-ng is a separate program, run
 * once per word: its GPL code stays out of our process, and a hang or a crash ends with a timeout.
 *
 * Every random choice comes from the caller's seed, so the same challenge always sounds the same:
 * a bot fetching the audio again gets the same noise, never a second draw to average out.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { createCipheriv, createHmac } from 'node:crypto';
import wavefile from 'wavefile';

export interface SpeechOptions {
  /** Default 'espeak-ng', looked up in PATH. */
  espeakPath?: string;
  /** Per espeak-ng call. Default 5000. */
  timeoutMs?: number;
}

export interface CodeSpeech {
  /** A 16-bit mono WAV file saying the words, identical for identical (words, seed). */
  speak(words: readonly string[], seed: Buffer): Promise<Buffer>;
}

// The French voice's variants that exist in espeak-ng 1.51 (an unknown one silently falls back to the default voice).
const VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5'] as const;
// Never arbitrary text to a subprocess. The leading letter also keeps a word from reading as an option.
const WORD = /^\p{L}[\p{L}' -]{0,19}$/u;
const MAX_WORDS = 10;
// One word is well under 100 KiB; anything near this bound is espeak-ng misbehaving.
const MAX_OUTPUT_BYTES = 2 * 1024 * 1024;

const SPEED_WPM = [120, 165] as const;
const PITCH = [25, 75] as const;
const AMPLITUDE = [80, 120] as const;
const GAP_MS = [350, 900] as const;
const EDGE_MS = [150, 600] as const;
// Peak of the triangular hiss, against speech peaking near 20000: audible, never masking.
const NOISE_PEAK = [150, 450] as const;

// espeak-ng pads each word with its own silence (about 0.45 s after it); cut it so our random gaps
// alone set the rhythm, keeping a margin so soft consonants (the s of "six") are not clipped.
const TRIM_RELATIVE = 0.01;
const TRIM_MIN = 64;
const TRIM_MARGIN_MS = 20;

type Range = readonly [number, number];

/** A deterministic random stream: HMAC-SHA256(seed, counter) blocks. */
function seededRandom(seed: Buffer) {
  let counter = 0;
  let pool = Buffer.alloc(0);

  function bytes(length: number): Buffer {
    while (pool.length < length) {
      const block = createHmac('sha256', seed).update(`captcha-audio:${counter++}`).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, length);
    pool = pool.subarray(length);
    return out;
  }

  // Rejection sampling: a plain modulo would favour the low values, if only slightly.
  function int([min, max]: Range): number {
    const span = max - min + 1;
    const limit = 2 ** 32 - (2 ** 32 % span);
    let x: number;
    do x = bytes(4).readUInt32BE(0);
    while (x >= limit);
    return min + (x % span);
  }

  return { bytes, int };
}

export function createCodeSpeech({ espeakPath = 'espeak-ng', timeoutMs = 5000 }: SpeechOptions = {}): CodeSpeech {
  return {
    async speak(words, seed) {
      checkWords(words);
      const random = seededRandom(seed);
      // Every draw happens here, in a fixed order, before any asynchronous work.
      const variant = VARIANTS[random.int([0, VARIANTS.length - 1])]!;
      const voiced = words.map((word) => ({
        word,
        args: ['--stdout', '-v', `fr+${variant}`, '-s', random.int(SPEED_WPM), '-p', random.int(PITCH), '-a', random.int(AMPLITUDE)],
      }));
      const gapsMs = [random.int(EDGE_MS), ...words.slice(1).map(() => random.int(GAP_MS)), random.int(EDGE_MS)];
      const noisePeak = random.int(NOISE_PEAK);
      const noiseKey = random.bytes(32);
      const noiseIv = random.bytes(16);

      const spoken = await Promise.all(
        voiced.map(async ({ word, args }) => readSpeech(await runEspeak(espeakPath, [...args.map(String), '--', word], timeoutMs))),
      );
      const rate = spoken[0]!.rate;
      if (spoken.some((s) => s.rate !== rate)) throw new Error('espeak-ng failed: inconsistent sample rates');

      const toSamples = (ms: number) => Math.round((ms * rate) / 1000);
      const parts = spoken.map((s) => trimSilence(s.samples, toSamples(TRIM_MARGIN_MS)));
      const length = gapsMs.reduce((sum, ms) => sum + toSamples(ms), 0) + parts.reduce((sum, p) => sum + p.length, 0);
      const mix = new Float64Array(length);
      let at = toSamples(gapsMs[0]!);
      parts.forEach((part, i) => {
        mix.set(part, at);
        at += part.length + toSamples(gapsMs[i + 1]!);
      });

      // A fast keyed stream for the hiss (two bytes per sample), itself keyed from the seed.
      const noise = createCipheriv('aes-256-ctr', noiseKey, noiseIv).update(Buffer.alloc(length * 2));
      const out = new Int16Array(length);
      for (let i = 0; i < length; i++) {
        const hiss = ((noise[2 * i]! + noise[2 * i + 1]! - 255) / 255) * noisePeak;
        out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i]! + hiss)));
      }

      const wav = new wavefile.WaveFile();
      wav.fromScratch(1, rate, '16', out);
      const bytes = wav.toBuffer();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}

function checkWords(words: readonly string[]) {
  if (words.length === 0 || words.length > MAX_WORDS) throw new Error(`speak expects 1 to ${MAX_WORDS} words`);
  for (const word of words) if (!WORD.test(word)) throw new Error('speak refuses a word outside letters, apostrophe, hyphen and space');
}

function runEspeak(path: string, args: string[], timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { encoding: 'buffer', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`espeak-ng failed: ${explain(error, path, timeoutMs, stderr)}`));
        else resolve(stdout);
      },
    );
  });
}

function explain(error: ExecFileException, path: string, timeoutMs: number, stderr: Buffer): string {
  if (error.code === 'ENOENT') return `not found (${path})`;
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `output over ${MAX_OUTPUT_BYTES} bytes`;
  if (error.killed) return `no answer within ${timeoutMs} ms`;
  const detail = stderr.toString('utf8').trim().slice(0, 200);
  const status = error.signal ? `killed by ${error.signal}` : `exit code ${error.code}`;
  return detail ? `${status}: ${detail}` : status;
}

// espeak-ng's --stdout header carries placeholder sizes (0x7fffffff); wavefile reads up to the real end.
function readSpeech(output: Buffer): { rate: number; samples: Float64Array } {
  let wav: InstanceType<typeof wavefile.WaveFile>;
  try {
    wav = new wavefile.WaveFile(output);
  } catch {
    throw new Error('espeak-ng failed: output is not a WAV file');
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };
  if (fmt.numChannels !== 1 || fmt.bitsPerSample !== 16) throw new Error('espeak-ng failed: output is not 16-bit mono');
  return { rate: fmt.sampleRate, samples: wav.getSamples() };
}

function trimSilence(samples: Float64Array, margin: number): Float64Array {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const threshold = Math.max(TRIM_MIN, peak * TRIM_RELATIVE);
  const first = samples.findIndex((s) => Math.abs(s) > threshold);
  if (first < 0) throw new Error('espeak-ng failed: a word came out silent');
  let last = samples.length - 1;
  while (Math.abs(samples[last]!) <= threshold) last--;
  return samples.subarray(Math.max(0, first - margin), Math.min(samples.length, last + 1 + margin));
}
