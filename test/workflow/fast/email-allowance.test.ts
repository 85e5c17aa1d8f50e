/**
 * The hourly email allowance (`maxLinkEmailsPerHour`, README « link emails per account per rolling
 * hour »), with stub activities and skipped time: the links and the refusal emails of an account
 * together never exceed it within any hour; a request beyond it sends nothing, and the allowance
 * comes back as the oldest email turns an hour old. Continue-as-new carries it to the next run
 * (workflows/account-memory.ts), which must then go on like any other.
 *
 * The worker runs in a process of its own (fast-tier.ts `workerProcess`): a workflow that loops
 * without yielding makes the SDK's sandbox time out, and Node then aborts the whole process (the
 * worker's, in production), which here is that child only: the test sees it end and says so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { RenewalPolicy } from '../../../workflows/definitions.js';
import type { CallRecord } from '../../support/stub-activities.js';
import { HOUR, MINUTE, startFastTier, type FastTier } from './fast-tier.js';

let t: FastTier;
const { EventType } = temporal.api.enums.v1;

beforeAll(async () => {
  t = await startFastTier({ workerProcess: true });
});
afterEach(() => t?.cleanup());
afterAll(() => t?.stop());

/** The most emails that went to the account within one hour, on the server's clock. */
function busiestHour(emails: CallRecord[]): number {
  const times = emails.map((e) => e.scheduledAt).sort((a, b) => a - b);
  return Math.max(0, ...times.map((start) => times.filter((at) => at >= start && at < start + HOUR).length));
}

describe('the hourly email allowance', () => {
  it('sends at most the allowance of links within the hour, refuses the rest, and sends again once the oldest is an hour old', async () => {
    const { maxLinkEmailsPerHour: allowance } = t.policy;
    // A link that outlives the hour, so that the renewal still waits when the allowance comes back.
    const policy: RenewalPolicy = { ...t.policy, linkTtlMs: 2 * HOUR };
    const account = t.newAccount();
    for (let n = 1; n <= allowance; n++) {
      await t.request(account, 'identifier', { policy });
      await t.link(account, n);
    }
    const firstSentAt = t.stubs.calls('emailRenewalLink', account)[0]!.scheduledAt;

    await t.request(account, 'identifier', { policy }); // one more request: nothing is sent
    expect(await t.resend(account)).toEqual({ status: 'refused', reason: 'rate-limited' });
    await t.request(account, 'password', { policy }); // nor a refusal email: the allowance counts those too
    await t.idle(account);
    expect(await t.status(account)).toMatchObject({ stage: 'waiting-for-link', linksSent: allowance });
    expect(t.allowanceEmails(account)).toHaveLength(allowance);

    await t.sleep(firstSentAt + HOUR - (await t.now()) - MINUTE);
    expect(await t.resend(account)).toEqual({ status: 'refused', reason: 'rate-limited' });
    await t.sleep(2 * MINUTE);
    expect(await t.resend(account)).toEqual({ status: 'sent' });
    const next = await t.link(account, allowance + 1);
    expect(await t.linkState(account, next.hash)).toMatchObject({ status: 'open' });
    expect(t.allowanceEmails(account)).toHaveLength(allowance + 1);
    expect(busiestHour(t.allowanceEmails(account))).toBe(allowance);
  });

  it('counts refusal emails with the links: once they fill the allowance, neither a link nor a refusal goes', async () => {
    const { maxLinkEmailsPerHour: allowance } = t.policy;
    const account = t.newAccount();
    await t.request(account, 'identifier');
    await t.link(account);
    for (let n = 1; n < allowance; n++) {
      await t.request(account, 'password'); // one kind at a time: refused, and told why
      await t.stubs.waitForCalls('emailRefusal', n, account);
    }
    await t.request(account, 'password');
    await t.request(account, 'identifier');
    await t.idle(account);
    expect(await t.resend(account)).toEqual({ status: 'refused', reason: 'rate-limited' });
    expect(t.stubs.calls('emailRefusal', account)).toHaveLength(allowance - 1);
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);
    expect(await t.status(account)).toMatchObject({ linksSent: 1 });
  });

  it('is not spent by the notices of a change or a lock-out', async () => {
    const { maxLinkEmailsPerHour: allowance, maxSecretAttempts } = t.policy;
    const account = t.newAccount();
    await t.request(account, 'password');
    const link = await t.link(account);
    for (let wrong = 1; wrong <= maxSecretAttempts; wrong++) await t.submit(account, link, 'password', `FAUX-${wrong}`);
    await t.stubs.waitForCalls('notifyLockout', 1, account);
    await t.ended(account);
    // The same hour: the allowance less the one link is still there, for new renewals.
    for (let n = 2; n <= allowance; n++) {
      await t.request(account, 'password');
      await t.link(account, n);
      await t.cancel(account);
      await t.untilStatus(account, (s) => s.outcome === 'cancelled', `renewal ${n} cancelled`);
    }
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(allowance);
    expect(busiestHour(t.allowanceEmails(account))).toBe(allowance);
  });
});

describe('the hourly email allowance across runs', () => {
  // Last in this file: while the workflow spins on it, the worker process aborts.
  it('a citizen who asked for the link again, then locked the renewal, asks again within the hour: no email beyond the allowance, the run goes on', async () => {
    const { maxLinkEmailsPerHour: allowance, maxSecretAttempts, lockoutLimit } = t.policy;
    expect(lockoutLimit).toBeGreaterThan(1); // one lock-out does not refuse the next renewal
    const account = t.newAccount();
    // The email is slow to come: the citizen asks again until the allowance is spent.
    const firstRun = await t.request(account, 'identifier');
    for (let n = 1; n <= allowance; n++) {
      if (n > 1) await t.request(account, 'identifier');
      await t.link(account, n);
    }
    const link = await t.link(account, allowance);
    for (let wrong = 1; wrong <= maxSecretAttempts; wrong++) await t.submit(account, link, 'identifier', `faux-${wrong}`);
    await t.stubs.waitForCalls('notifyLockout', 1, account);
    expect(await t.ended(account)).toMatchObject({ outcome: 'locked', stage: 'cooling-down', lockouts: 1 });

    // Within the hour, a new request: allowed (one lock-out), so a new run, whose link the allowance holds back.
    await t.request(account, 'identifier');
    const nextRun = await t.eventually(
      async () => (await t.handle(account).describe()).runId,
      (runId) => runId !== firstRun,
      'the next run',
    );
    const history = await t.eventually(
      () => t.history(account, nextRun),
      (events) =>
        events.some(
          (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        ),
      'the next run’s first workflow task to end',
    );
    const failed = history.flatMap((e) =>
      e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes.failure?.message] : [],
    );
    expect(failed).toEqual([]);
    expect(await t.status(account)).toMatchObject({ kind: 'identifier', lockouts: 1 });
    expect(busiestHour(t.allowanceEmails(account))).toBeLessThanOrEqual(allowance);
  });
});
