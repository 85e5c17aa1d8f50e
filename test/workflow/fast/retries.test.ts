/**
 * A failing activity is retried until it succeeds, and its effect happens once: each stub here fails
 * its first two attempts (a server down, a database timeout), then succeeds. Activities (emails,
 * notices) retry on the server's timers, local activities (look-up, change) in the worker.
 * The retries wait real seconds (1 s, then 2 s), so these scenarios run side by side.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RENEWAL_KINDS } from '../../../workflows/definitions.js';
import type { StubbedName } from '../../support/stub-activities.js';
import { otherKind, secretOf, startFastTier, type FastTier } from './fast-tier.js';

let t: FastTier;

beforeAll(async () => {
  t = await startFastTier();
});
afterAll(() => t?.stop());

const FAILURES = 2;

/** Scenarios for two kinds or two activities run side by side within a test (at most 5 tests run at once). */
describe.concurrent('an activity that fails twice, then succeeds', () => {
  it('the link email: one link, recorded once, open', async ({ expect }) => {
    const account = t.newAccount();
    t.stubs.failNext('emailRenewalLink', FAILURES, account);
    await t.request(account, 'identifier');
    const link = await t.link(account);
    expect(t.stubs.failedAttempts('emailRenewalLink', account).map((f) => f.attempt)).toEqual([1, 2]);
    expect(t.stubs.calls('emailRenewalLink', account).map((c) => c.attempt)).toEqual([FAILURES + 1]);
    expect(await t.status(account)).toMatchObject({ stage: 'waiting-for-link', linksSent: 1 });
    expect(await t.linkState(account, link.hash)).toMatchObject({ status: 'open' });
  });

  it('the notice of a change, of either kind: sent once', async ({ expect }) => {
    await Promise.all(
      RENEWAL_KINDS.map(async (kind) => {
        const account = t.newAccount();
        t.stubs.failNext('notifyChange', FAILURES, account);
        await t.request(account, kind);
        const link = await t.link(account);
        expect((await t.submit(account, link, kind, secretOf(kind, account))).status).toBe('completed');
        await t.stubs.waitForCalls('notifyChange', 1, account);
        expect(await t.ended(account)).toMatchObject({ outcome: 'completed' });
        expect(t.stubs.failedAttempts('notifyChange', account)).toHaveLength(FAILURES);
        expect(t.stubs.calls('notifyChange', account).map((c) => c.attempt)).toEqual([FAILURES + 1]);
      }),
    );
  });

  it('the change, of either kind (a local activity): made once, and the citizen gets it', async ({ expect }) => {
    const changes = [
      ['assignNewIdentifier', 'identifier'],
      ['issueNewPassword', 'password'],
    ] as const;
    await Promise.all(
      changes.map(async ([activity, kind]) => {
        const account = t.newAccount();
        t.stubs.failNext(activity, FAILURES, account);
        await t.request(account, kind);
        const link = await t.link(account);
        const answer = await t.submit(account, link, kind, secretOf(kind, account));
        const made = t.stubs.calls(activity, account);
        expect(made.map((c) => ({ local: c.local, attempt: c.attempt }))).toEqual([{ local: true, attempt: FAILURES + 1 }]);
        expect(answer).toEqual(
          kind === 'identifier'
            ? { status: 'completed', kind, identifier: t.stubs.calls('assignNewIdentifier', account)[0]!.result.identifier }
            : { status: 'completed', kind, phoneEnding: account.phone.slice(-2) },
        );
        await t.stubs.waitForCalls('notifyChange', 1, account);
        expect(t.stubs.calls('notifyChange', account)).toHaveLength(1);
      }),
    );
  });

  it('the look-up and the secret check (local activities): each once, the renewal goes on', async ({ expect }) => {
    const checks = ['findAccount', 'verifySecret'] as const satisfies StubbedName[];
    await Promise.all(
      checks.map(async (activity) => {
        const account = t.newAccount();
        t.stubs.failNext(activity, FAILURES, account);
        await t.request(account, 'identifier');
        const link = await t.link(account);
        expect(await t.submit(account, link, 'identifier', account.password)).toMatchObject({ status: 'completed' });
        expect(t.stubs.calls(activity, account).map((c) => c.attempt)).toEqual([FAILURES + 1]);
        expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);
      }),
    );
  });

  it('the refusal email and the lock-out notice: each sent once', async ({ expect }) => {
    const refused = async () => {
      const account = t.newAccount();
      t.stubs.failNext('emailRefusal', FAILURES, account);
      await t.request(account, 'identifier');
      await t.link(account);
      await t.request(account, otherKind('identifier'));
      await t.stubs.waitForCalls('emailRefusal', 1, account);
      expect(t.stubs.calls('emailRefusal', account).map((c) => c.attempt)).toEqual([FAILURES + 1]);
    };
    const locked = async () => {
      const account = t.newAccount();
      t.stubs.failNext('notifyLockout', FAILURES, account);
      await t.request(account, 'password');
      const link = await t.link(account);
      for (let wrong = 1; wrong <= t.policy.maxSecretAttempts; wrong++) await t.submit(account, link, 'password', `FAUX-${wrong}`);
      await t.stubs.waitForCalls('notifyLockout', 1, account);
      expect(await t.ended(account)).toMatchObject({ outcome: 'locked' });
      expect(t.stubs.calls('notifyLockout', account).map((c) => c.attempt)).toEqual([FAILURES + 1]);
    };
    await Promise.all([refused(), locked()]);
  });
});
