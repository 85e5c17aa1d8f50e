/**
 * Every route and form of the web app, fuzzed through the real app: its real Redis store, security
 * codes, form validation and limits, a real Temporal client to the test dev server with a real
 * worker, real accounts in FerretDB and real link emails in Mailpit. Each generated request
 * (support/plan.ts) may first prime a browser (a form's cookies and token, the code's answer), so
 * that many reach the deep paths: a validated form, a started renewal, a real link's secret check.
 *
 *   npm test -- test/fuzz          FUZZ_RUNS defaults to 400 (plus 80 of warm-up)
 *   npm run fuzz                   10 000 requests (plus 200 of warm-up)
 *   FUZZ_SEED=<seed> [FUZZ_PATH=<path>]   the same requests again (the seed is printed), or one case
 *   FUZZ_EXPLORE=1                 every distinct failure recorded and printed, none shrunk
 *
 * Client addresses come from X-Forwarded-For (the test stack trusts it, TRUST_PROXY=true), so most
 * requests come from a new client and reach past the per-address limits, while a few addresses come
 * back again and again and meet those limits (429). The limits themselves keep their defaults.
 *
 * The answers must hold (support/checks.ts): no 5xx, no input reflected unescaped, every page in
 * French, no internals shown, and the process must raise no uncaught exception or unhandled
 * rejection, and keep its heap: measured after a full GC once warmed up and at the end (the GC
 * function is taken at run time: node's --expose-gc flag set with v8.setFlagsFromString, `gc` read
 * from a fresh vm context, so no vitest or node option is needed).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_EMAIL_SUBJECT } from '../../copy/emails.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import { RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';
import { waitForMessages } from '../support/mailpit.js';
import { textOf } from '../support/page-client.js';
import { startRealStack, type RealStack } from '../support/real-stack.js';
import { REGRESSIONS } from './regressions.js';
import { problemsOf } from '../support/fuzz/checks.js';
import { planArbitrary, runPlan, type Plan, type World } from '../support/fuzz/plan.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const WARM_UP = Math.min(200, Math.max(50, Math.round(RUNS / 5)));
/** The run's seed, printed at the end (and by fast-check with a failure): FUZZ_SEED=<seed> draws the same requests again. */
const SEED = process.env.FUZZ_SEED === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0 : Number(process.env.FUZZ_SEED);
/** With FUZZ_SEED, FUZZ_PATH=<path> (as fast-check printed it) replays just the failing case, shrunk. */
const PATH = process.env.FUZZ_PATH;
/** FUZZ_EXPLORE=1: record every distinct failure (its first plan) and go on, instead of stopping and shrinking at the first. */
const EXPLORE = process.env.FUZZ_EXPLORE === '1';
const explored = new Map<string, { plan: Plan; message: string; count: number }>();
/** A request that takes longer than this counts as a failure (a hung route). */
const ANSWER_WITHIN_MS = 30_000;
/** The heap after the run, after a full GC, may exceed the heap after warm-up by this much at most. */
const HEAP_GROWTH_BOUND = 64 * 1024 * 1024;

/** A full, synchronous GC, without starting node with --expose-gc: the flag set at run time, `gc` read from a fresh context. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = fullGc();
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let stack: RealStack;
let world: World;
const processErrors: string[] = [];
const appErrors: string[] = [];
const onUncaught = (err: unknown) => processErrors.push(`uncaught exception: ${(err as Error)?.stack ?? String(err)}`);
const onUnhandled = (err: unknown) => processErrors.push(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  // Client addresses come from X-Forwarded-For, so each request can be a new client (limits apply per address).
  stack = await startRealStack({ TRUST_PROXY: 'true' });
  // The app's own error lines (a 500 logs its error and stack) go with a failure's message.
  const logger = pino({ level: 'error' }, { write: (line: string) => void appErrors.push(line.trim()) });
  const app = createApp({ ...stack.deps, logger });
  const citizens = [];
  for (let i = 0; i < 4; i++) citizens.push(await stack.createCitizen());
  const links: World['links'] = { identifier: [], password: [] };
  await Promise.all([newLink('identifier'), newLink('identifier'), newLink('password'), newLink('password')]).then((made) =>
    made.forEach((link, i) => links[i < 2 ? 'identifier' : 'password'].push(link)),
  );
  world = { app, origin: stack.config.web.publicBaseUrl, citizens, links, linkKey: stack.config.linkKey };
}, 180_000);

/** A real link: a new account's renewal of this kind, its token read from the email it received. */
async function newLink(kind: RenewalKind) {
  const owner = await stack.createCitizen();
  await stack.deps.renewals.requestRenewal({ kind, numic: owner.numic, email: owner.email });
  const [email] = await waitForMessages(stack.config, { to: owner.email, subject: LINK_EMAIL_SUBJECT[kind] });
  const token = new RegExp(`${RENEWAL_PATHS[kind].link}/(\\S+)`).exec(email!.text)![1]!;
  return { token, owner };
}

/** Links die as the fuzz uses them (wrong secrets lock them, a right one uses them up): each dead one is replaced. */
async function refreshLinks() {
  for (const kind of RENEWAL_KINDS) {
    const links = world.links[kind];
    for (let i = 0; i < links.length; i++) {
      if ((await stack.deps.renewals.linkState(kind, links[i]!.token)).status === 'dead') links[i] = await newLink(kind);
    }
  }
}

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  await stack?.stop();
});

const statuses = new Map<string, number>();
let checked = 0;

/** Sends one plan and throws with everything needed to understand it when an answer is wrong. */
async function check(plan: Plan) {
  if (++checked % 50 === 0) await refreshLinks();
  let timer: NodeJS.Timeout | undefined;
  const sent = await Promise.race([
    runPlan(world, plan),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const key = `${plan.target} ${sent.request.method} ${sent.res.status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  for (const extra of sent.primed) {
    const at = `${plan.target} then GET ${new URL(extra.url).pathname.replace(/\/lien\/.*/, '/lien/…')} ${extra.res.status}`;
    statuses.set(at, (statuses.get(at) ?? 0) + 1);
  }
  const problems = [
    ...sent.primed.flatMap((p) =>
      problemsOf({ method: 'GET', url: p.url, res: p.res, bytes: p.bytes }).map((m) => `priming GET ${p.url}: ${m}`),
    ),
    ...problemsOf({ method: sent.request.method, url: sent.request.url, res: sent.res, bytes: sent.bytes, sent: sent.sent }),
    ...processErrors.splice(0),
  ];
  const logged = appErrors.splice(0);
  if (problems.length > 0) {
    const html = sent.bytes.toString('utf8');
    const excerpt = textOf(/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html).slice(0, 600);
    const message = [
      ...problems,
      `request: ${JSON.stringify(sent.request)}`,
      `answer ${sent.res.status}: ${excerpt}`,
      ...logged.map((line) => `app log: ${line.slice(0, 3000)}`),
    ].join('\n');
    if (!EXPLORE) throw new Error(message);
    const signature = `${plan.target} ${problems.map((p) => p.replace(/"[^"]*"/g, '…')).join(' | ')}`;
    const seen = explored.get(signature);
    if (seen) seen.count++;
    else explored.set(signature, { plan, message, count: 1 });
  }
}

describe('every route and form, fuzzed through the real app', () => {
  it.each(REGRESSIONS)('still answers a case the fuzz once failed: $name', async ({ plan }) => {
    await check(plan);
  });

  it(
    `answers ${RUNS} generated requests with no 5xx, nothing reflected raw, French pages, no internals, a stable heap`,
    async () => {
      const started = Date.now();
      await fc.assert(fc.asyncProperty(planArbitrary, check), { numRuns: WARM_UP, seed: SEED + 1 });
      const warmHeap = heapAfterGc();
      const warmedAt = Date.now();

      await fc.assert(fc.asyncProperty(planArbitrary, check), { numRuns: RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}) });
      const endHeap = heapAfterGc();
      const seconds = (Date.now() - warmedAt) / 1000;

      const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      const byStatus = new Map<number, number>();
      for (const [key, count] of statuses) {
        const status = Number(key.split(' ').pop());
        byStatus.set(status, (byStatus.get(status) ?? 0) + count);
      }
      console.log(
        [
          `[fuzz] seed ${SEED}: ${WARM_UP} warm-up + ${RUNS} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (${(RUNS / seconds).toFixed(0)}/s after warm-up)`,
          `[fuzz] heap after GC: ${mib(warmHeap)} after warm-up, ${mib(endHeap)} at the end (${mib(endHeap - warmHeap)})`,
          `[fuzz] statuses: ${[...byStatus]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
          ...(RUNS >= 2000 || EXPLORE ? [...statuses].sort().map(([key, n]) => `[fuzz]   ${key}: ${n}`) : []),
        ].join('\n'),
      );
      for (const [signature, { plan, message, count }] of explored) {
        console.log(`[fuzz] FAILURE ×${count}: ${signature}\n${message}\nplan: ${JSON.stringify(plan)}\n`);
      }
      expect([...explored.keys()]).toEqual([]);
      expect(endHeap - warmHeap).toBeLessThan(HEAP_GROWTH_BOUND);
    },
    // About 20 requests a second on 2 shared cores, with room for a shrink.
    120_000 + (RUNS + WARM_UP) * 150,
  );

  it('reached the deep paths: validated forms, renewals signalled, real links, logins, limits', () => {
    const seen = (pattern: RegExp) => [...statuses.keys()].some((key) => pattern.test(key));
    expect(seen(/ 403$/), 'a POST refused by CSRF protection').toBe(true);
    expect(seen(/ 422$/), 'a form refused by validation').toBe(true);
    expect(seen(/:link then GET \S+\/lien\/… 200/), 'a real link page shown').toBe(true);
    if (RUNS < 2000) return; // the rarer ones: a full run reaches each many times, a few hundred requests not always
    expect(seen(/:request POST 303/), 'a request form accepted (a renewal signalled)').toBe(true);
    expect(seen(/^login POST 303/), 'a login').toBe(true);
    expect(seen(/ 429$/), 'a limit reached').toBe(true);
    expect(seen(/:link POST 303/), 'a renewal completed by its link').toBe(true);
    expect(seen(/then GET \/espace 200/), 'the signed-in page').toBe(true);
  });
});
