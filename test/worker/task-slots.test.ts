/**
 * WORKER_MAX_CONCURRENT_TASKS: the worker runs at most that many activities at once (and as many
 * workflow tasks and local activities): tasks beyond what its cores can take wait in Temporal,
 * not in its memory (docs/performance.md). Three renewals whose link emails the mailer holds, with
 * room for two: the third's email is scheduled and stays unstarted until one of the two is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';

let dev: DevServer;
let h: RenewalHarness;
let inMailer = 0;
let mostAtOnce = 0;
const releases: (() => void)[] = [];

beforeAll(async () => {
  dev = await connectDevServer();
  h = await startRenewalHarness({
    ...dev,
    env: { WORKER_MAX_CONCURRENT_TASKS: '2' },
    wrapMailer: (mailer) => ({
      ...mailer,
      async send(email) {
        inMailer++;
        mostAtOnce = Math.max(mostAtOnce, inMailer);
        await new Promise<void>((release) => releases.push(release));
        inMailer--;
        return mailer.send(email);
      },
    }),
  });
}, 60_000);

afterAll(async () => {
  for (const release of releases) release();
  await h?.stop();
  await dev?.close();
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The state of the renewal's pending link-email activity, as Temporal records it. */
async function emailActivityState(workflowId: string): Promise<string | undefined> {
  const { raw } = await h.client.workflow.getHandle(workflowId).describe();
  const pending = raw.pendingActivities?.find((a) => a.activityType?.name === 'emailRenewalLink');
  return pending ? String(pending.state) : undefined;
}

describe('the worker with WORKER_MAX_CONCURRENT_TASKS = 2', () => {
  it('leaves a third activity scheduled in Temporal while two run, and starts it once one ends', async () => {
    const accounts = [await h.createAccount(), await h.createAccount(), await h.createAccount()];
    for (const a of accounts) await h.renewals.requestRenewal({ kind: 'identifier', numic: a.numic, email: a.email });
    await until('two link emails in the mailer', () => inMailer === 2);
    const states = async () => Promise.all(accounts.map((a) => emailActivityState(a.workflowId)));
    // PENDING_ACTIVITY_STATE_SCHEDULED is 1, _STARTED 2: the third was scheduled, and no slot takes it.
    await until('the third email scheduled', async () => (await states()).filter((s) => s === '1').length === 1);
    expect((await states()).sort()).toEqual(['1', '2', '2']);
    // Given time to take it (a free slot would start it within milliseconds), the worker does not.
    const watchedUntil = Date.now() + 1_500;
    await until('the watch over', () => Date.now() >= watchedUntil || inMailer > 2, 5_000);
    expect(inMailer).toBe(2);

    releases.shift()!();
    await until('the third email in the mailer', () => inMailer === 2 && releases.length === 2);
    for (const release of releases.splice(0)) release();
    await until('all three link emails sent', async () => (await states()).every((s) => s === undefined));
    expect(mostAtOnce).toBe(2);
  });
});
