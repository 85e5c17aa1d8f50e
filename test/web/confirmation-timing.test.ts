/**
 * Screen 3 must not reveal anything about an account, not even by its timing: whether NUMIC and
 * email match, and whether a renewal is in flight. With the real stack (Temporal, worker, registry,
 * Mailpit, Redis), requests of two situations are sent in alternating pairs and their response
 * times compared by the median of the paired differences. A last case proves the measurement would
 * see a web layer that took longer on a match.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import type { WebDeps } from '../../web/types.js';
import { PageClient } from '../support/page-client.js';
import { randomNumic, startRealStack, type Citizen, type RealStack } from '../support/real-stack.js';

const PAIRS = 20;
const WARM_UP = 4;
const MAX_MEDIAN_GAP_MS = 25;
const { request, confirmation } = RENEWAL_PATHS.identifier;

let stack: RealStack;

beforeAll(async () => {
  stack = await startRealStack({ RATE_LIMIT_PER_IP: '10000' });
});

afterAll(async () => {
  await stack?.stop();
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One side of a comparison: what it sends, prepared beforehand, and how to know the worker is done with it. */
interface Situation {
  name: string;
  /** Sets the situation up (untimed) and returns the request to time. */
  prepare(): Promise<{ numic: string; email: string }>;
  /** Resolves once the worker has finished what the timed request caused, so it never overlaps the next one. */
  settled(numic: string): Promise<boolean>;
}

const stage = async (numic: string) => {
  const status = await stack.deps.renewals.status(stack.deps.renewals.workflowIdFor(numic));
  return status.status === 'found' ? status : undefined;
};

const citizen = () => stack.createCitizen();
const known = (match: (c: Citizen) => string): Situation => ({
  name: 'known',
  async prepare() {
    const c = await citizen();
    return { numic: c.numic, email: match(c) };
  },
  settled: async (numic) => (await stage(numic))?.outcome !== undefined || (await stage(numic))?.linksSent === 1,
});

const SITUATIONS = {
  matching: { ...known((c) => c.email), name: 'NUMIC and email match' },
  unknownNumic: {
    name: 'unknown NUMIC',
    prepare: async () => ({ numic: randomNumic(), email: `inconnu.${stack.run}.${randomNumic()}@example.org` }),
    settled: async (numic: string) => (await stage(numic))?.outcome === 'no-match',
  },
  wrongEmail: { ...known(() => `autre.${randomNumic()}@example.org`), name: 'known NUMIC, wrong email' },
  inFlight: {
    name: 'second request, a renewal in flight',
    async prepare() {
      const c = await citizen();
      await stack.deps.renewals.requestRenewal({ kind: 'identifier', numic: c.numic, email: c.email });
      await waitUntil(async () => (await stage(c.numic))?.linksSent === 1);
      return { numic: c.numic, email: c.email };
    },
    settled: async (numic: string) => (await stage(numic))?.linksSent === 2,
  },
  ended: {
    name: 'second request, the previous run closed',
    async prepare() {
      const c = await citizen();
      await stack.deps.renewals.requestRenewal({ kind: 'identifier', numic: c.numic, email: 'personne@example.org' });
      await waitUntil(async () => (await stage(c.numic))?.stage === 'closed');
      return { numic: c.numic, email: c.email };
    },
    settled: async (numic: string) => (await stage(numic))?.linksSent === 1,
  },
} satisfies Record<string, Situation>;

/** Sends PAIRS (+ warm-up) pairs of requests, one of each situation, through the app; returns the median paired gap. */
async function measure(deps: WebDeps, a: Situation, b: Situation): Promise<number> {
  const client = new PageClient(createApp(deps), undefined, deps.web.publicBaseUrl);

  /** Times the POST only: the form and the code are fetched first, as a citizen would. */
  async function timed(situation: Situation): Promise<number> {
    const { numic, email } = await situation.prepare();
    await client.get(request);
    const code = await client.captchaAnswer('request');
    const started = performance.now();
    const res = await client.post(request, { numic, courriel: email, code });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(confirmation);
    await waitUntil(() => situation.settled(numic));
    return elapsed;
  }

  const pairs: { a: number; b: number }[] = [];
  for (let i = 0; i < PAIRS + WARM_UP; i++) {
    const pair = { a: 0, b: 0 };
    const runs = [async () => void (pair.a = await timed(a)), async () => void (pair.b = await timed(b))];
    if (i % 2) runs.reverse(); // neither side always goes first
    for (const run of runs) await run();
    if (i >= WARM_UP) pairs.push(pair);
  }
  // The machine is shared (other test files, other processes): a burst of load lands on one request
  // of a pair. The median of within-pair differences discounts such bursts, where the difference of
  // the two medians does not; a constant extra cost on one side shifts every difference alike.
  const gap = Math.abs(median(pairs.map((p) => p.a - p.b)));
  console.info(
    `[timing] ${a.name}: median ${median(pairs.map((p) => p.a)).toFixed(1)} ms; ${b.name}: ${median(pairs.map((p) => p.b)).toFixed(1)} ms; ` +
      `median paired gap ${gap.toFixed(1)} ms (${PAIRS} pairs)`,
  );
  return gap;
}

describe('screen 3: the confirmation’s timing tells nothing', () => {
  it.each([
    ['matching', 'unknownNumic'],
    ['matching', 'wrongEmail'],
    ['inFlight', 'ended'],
  ] as const)('answers %s and %s requests in the same time', { timeout: 240_000 }, async (a, b) => {
    expect(await measure(stack.deps, SITUATIONS[a], SITUATIONS[b])).toBeLessThan(MAX_MEDIAN_GAP_MS);
  });

  it('would see a web layer that spends longer on a match', { timeout: 240_000 }, async () => {
    // A deliberately leaky web: it reads the registry and works 150 ms more when the account exists
    // (well above the noise of a loaded machine, so this check is not flaky).
    const leaky: WebDeps = {
      ...stack.deps,
      renewals: {
        ...stack.deps.renewals,
        async requestRenewal(input) {
          if (await stack.registry.findByNumicAndEmail(input.numic, input.email)) await sleep(150);
          return stack.deps.renewals.requestRenewal(input);
        },
      },
    };
    expect(await measure(leaky, SITUATIONS.matching, SITUATIONS.unknownNumic)).toBeGreaterThan(MAX_MEDIAN_GAP_MS);
  });
});
