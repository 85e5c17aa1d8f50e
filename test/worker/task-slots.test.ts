/**
 * WORKER_MAX_CONCURRENT_TASKS: the worker runs at most that many activities at once (and as many
 * workflow tasks and local activities): tasks beyond what its cores can take wait in Temporal,
 * not in its memory (docs/performance.md). Three renewals whose link emails the mailer holds, with
 * room for two: the third's email is scheduled and stays unstarted until one of the two is done.
 */
import { temporal } from '@temporalio/proto';
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

const { SCHEDULED, STARTED } = {
  SCHEDULED: temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
  STARTED: temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
};

/** The state of the renewal's pending link-email activity, as Temporal records it (none once sent). */
async function emailActivityState(workflowId: string) {
  const { raw } = await h.client.workflow.getHandle(workflowId).describe();
  return raw.pendingActivities?.find((a) => a.activityType?.name === 'emailRenewalLink')?.state ?? undefined;
}

const poll = { timeout: 20_000, interval: 25 };

describe('the worker with WORKER_MAX_CONCURRENT_TASKS = 2', () => {
  it('leaves a third activity scheduled in Temporal while two run, and starts it once one ends', async () => {
    const accounts = [await h.createAccount(), await h.createAccount(), await h.createAccount()];
    for (const a of accounts) await h.renewals.requestRenewal({ kind: 'identifier', numic: a.numic, email: a.email });
    await expect.poll(() => inMailer, poll).toBe(2);
    const states = async () => (await Promise.all(accounts.map((a) => emailActivityState(a.workflowId)))).sort();
    // The third was scheduled, and no slot takes it.
    await expect.poll(states, poll).toEqual([SCHEDULED, STARTED, STARTED].sort());
    // Given time to take it (a free slot would start it within milliseconds), the worker does not.
    const watchedUntil = Date.now() + 1_500;
    await expect.poll(() => Date.now() >= watchedUntil || inMailer > 2, poll).toBe(true);
    expect(inMailer).toBe(2);

    releases.shift()!();
    await expect.poll(() => inMailer === 2 && releases.length === 2, poll).toBe(true);
    for (const release of releases.splice(0)) release();
    await expect.poll(states, poll).toEqual([undefined, undefined, undefined]);
    expect(mostAtOnce).toBe(2);
  });
});
