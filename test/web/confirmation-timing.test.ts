/**
 * Screen 3 must not reveal whether NUMIC and email match an account, not even by its timing. With the
 * real stack (Temporal, worker, FerretDB, Mailpit), matching and non-matching requests are sent
 * alternately and the medians of their response times compared.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../web/app.js';
import { waitForMessage } from '../support/mailpit.js';
import { PageClient } from './support/page-client.js';
import { randomNumic, startRealStack, type Citizen, type RealStack } from './support/real-stack.js';

const PER_KIND = 20;
const WARM_UP = 4;
const MAX_MEDIAN_GAP_MS = 25;

let stack: RealStack;

beforeAll(async () => {
  stack = await startRealStack({ RATE_LIMIT_PER_IP: '1000' });
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

describe('screen 3: confirmation timing', () => {
  it('answers matching and non-matching requests in the same time', { timeout: 180_000 }, async () => {
    const app = createApp(stack.deps);
    const client = new PageClient(app);

    /**
     * Times the POST only: the form and the code are fetched first, as a citizen would. Then waits
     * until the worker (in this process) has finished with the renewal, so its work never overlaps
     * the next measurement: a matching renewal waits for its link, a non-matching one has ended.
     */
    async function timedRequest(numic: string, email: string, matches: boolean): Promise<number> {
      await client.get('/identifiant-perdu');
      const code = await client.captchaAnswer('request');
      const started = performance.now();
      const res = await client.post('/identifiant-perdu', { numic, courriel: email, code });
      const elapsed = performance.now() - started;
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/identifiant-perdu/confirmation');
      await settled(numic, matches);
      return elapsed;
    }

    async function settled(numic: string, matches: boolean) {
      const workflowId = stack.deps.renewals.workflowIdFor(numic);
      await waitUntil(async () => {
        const status = await stack.deps.renewals.status(workflowId);
        if (status.status !== 'found') return false;
        return matches ? status.stage === 'waiting-for-link' : status.outcome === 'no-match';
      });
    }

    const citizens: Citizen[] = [];
    for (let i = 0; i < PER_KIND + WARM_UP; i++) citizens.push(await stack.createCitizen());
    const strangers = citizens.map((_, i) => ({ numic: randomNumic(), email: `inconnu.${stack.run}.${i}@example.org` }));

    const matching: number[] = [];
    const nonMatching: number[] = [];
    for (let i = 0; i < citizens.length; i++) {
      // Alternate the order too, so neither kind always runs right after the other.
      const pair = [
        async () => ({ kind: 'match', ms: await timedRequest(citizens[i]!.numic, citizens[i]!.email, true) }),
        async () => ({ kind: 'none', ms: await timedRequest(strangers[i]!.numic, strangers[i]!.email, false) }),
      ];
      if (i % 2) pair.reverse();
      for (const run of pair) {
        const { kind, ms } = await run();
        if (i < WARM_UP) continue;
        (kind === 'match' ? matching : nonMatching).push(ms);
      }
    }

    const gap = Math.abs(median(matching) - median(nonMatching));
    console.info(
      `[timing] median matching ${median(matching).toFixed(1)} ms, non-matching ${median(nonMatching).toFixed(1)} ms, ` +
        `gap ${gap.toFixed(1)} ms over ${PER_KIND} requests each\n  matching ${matching.map((m) => m.toFixed(0)).join(" ")}\n  non-matching ${nonMatching.map((m) => m.toFixed(0)).join(" ")}`,
    );
    expect(matching).toHaveLength(PER_KIND);
    expect(nonMatching).toHaveLength(PER_KIND);
    expect(gap).toBeLessThan(MAX_MEDIAN_GAP_MS);

    // The two kinds really were different: matching citizens got their link, strangers' renewals found nobody.
    const last = citizens[citizens.length - 1]!;
    expect((await waitForMessage(stack.config, { to: last.email, subject: 'nouvel identifiant' })).text).toContain(
      `${stack.config.web.publicBaseUrl}/identifiant-perdu/lien/`,
    );
    const stranger = strangers[strangers.length - 1]!;
    expect(await stack.deps.renewals.result(stack.deps.renewals.workflowIdFor(stranger.numic))).toEqual({ outcome: 'no-match' });
  });
});
