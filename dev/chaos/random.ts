/**
 * A seeded source of uniform numbers, from fast-check's generator (fc.sample with a seed is
 * deterministic; fc.noBias turns off the edge values it favours when hunting bugs): the same seed
 * gives the same numbers on every machine, for the same fast-check version.
 */
import fc from 'fast-check';

const MAX = 0xffff_ffff;
const BLOCK = 1_024;

export class SeededRandom {
  private values: number[] = [];
  private used = 0;
  private blocks = 0;

  constructor(readonly seed: number) {}

  private nextRaw(): number {
    if (this.used === this.values.length) {
      // Each block from its own seed, derived from the run's: a long run never repeats a block.
      const seed = (this.seed + Math.imul(this.blocks++, 0x9e37_79b9)) | 0;
      this.values = fc.sample(fc.noBias(fc.integer({ min: 0, max: MAX })), { seed, numRuns: BLOCK });
      this.used = 0;
    }
    return this.values[this.used++]!;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextRaw() / (MAX + 1);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
