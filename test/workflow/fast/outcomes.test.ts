/**
 * Every outcome of a renewal attempt, for both kinds, with stub activities on the time-skipping
 * server: completed, no-match, expired, cancelled, locked. Each checks the effects too: which
 * activities ran, how many times, with what.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RENEWAL_KINDS } from '../../../workflows/definitions.js';
import { MINUTE, SECOND, secretOf, startFastTier, type FastTier } from './fast-tier.js';

let t: FastTier;

beforeAll(async () => {
  t = await startFastTier();
});
afterEach(() => t?.cleanup());
afterAll(() => t?.stop());

describe.each(RENEWAL_KINDS)('a %s renewal', (kind) => {
  it('completes with the right secret: one change, one notice, then rests for the cooldown and closes', async () => {
    const account = t.newAccount();
    const runId = await t.request(account, kind);
    const link = await t.link(account);
    const renewalId = `${account.workflowId}/${runId}`;
    expect(await t.linkState(account, link.hash)).toMatchObject({ status: 'open', kind, attemptsLeft: t.policy.maxSecretAttempts });

    const answer = await t.submit(account, link, kind, secretOf(kind, account));
    if (kind === 'identifier') {
      const [assigned] = t.stubs.calls('assignNewIdentifier', account);
      expect(answer).toEqual({ status: 'completed', kind, identifier: assigned!.result.identifier });
      expect(assigned!.input).toEqual({ accountId: account.accountId, renewalId });
    } else {
      expect(answer).toEqual({ status: 'completed', kind, phoneEnding: account.phone.slice(-2) });
      expect(t.stubs.calls('issueNewPassword', account).map((c) => c.input)).toEqual([{ accountId: account.accountId, renewalId }]);
    }

    const [notice] = await t.stubs.waitForCalls('notifyChange', 1, account);
    expect(notice!.input).toEqual({ accountId: account.accountId, renewalId, kind });
    const status = await t.ended(account);
    expect(status).toMatchObject({ kind, stage: 'cooling-down', outcome: 'completed' });
    const completedAt = await t.now();

    expect(t.stubs.calls('verifySecret', account).map((c) => c.input)).toEqual([
      { accountId: account.accountId, kind, sealedSecret: secretOf(kind, account) },
    ]);
    expect(t.stubs.calls(kind === 'identifier' ? 'issueNewPassword' : 'assignNewIdentifier', account)).toEqual([]);
    expect(t.stubs.calls('notifyLockout', account)).toEqual([]);
    expect(t.stubs.calls('emailRefusal', account)).toEqual([]);
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);
    expect(await t.linkState(account, link.hash)).toEqual({ status: 'dead', reason: 'already-used' });

    // It rests while the cooldown matters, then closes: the result comes once the cooldown is over.
    expect(await t.result(account)).toEqual({ kind, outcome: 'completed' });
    expect(await t.now()).toBeGreaterThanOrEqual(completedAt + t.policy.cooldownMs - SECOND);
    expect(t.stubs.calls('notifyChange', account)).toHaveLength(1); // exactly one notice per completion
  });

  it('ends quietly as no-match when the email is not the account’s: nothing is sent, the run closes at once', async () => {
    const account = t.newAccount();
    await t.request(account, kind, { email: 'quelqu.un@example.org' });
    expect(await t.result(account)).toEqual({ kind, outcome: 'no-match' });
    expect(t.stubs.allCalls(account).map((c) => c.activity)).toEqual(['findAccount']);
    expect(t.stubs.calls('findAccount', account)[0]!.input).toEqual({ numic: account.numic, email: 'quelqu.un@example.org' });
    const { startTime, closeTime } = await t.handle(account).describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(MINUTE); // no rest: nothing to remember
  });

  it('expires one link lifetime after the email: open just before, expired just after, nothing changed', async () => {
    const account = t.newAccount();
    await t.request(account, kind);
    const link = await t.link(account);

    await t.sleep(t.policy.linkTtlMs - MINUTE);
    expect(await t.linkState(account, link.hash)).toMatchObject({ status: 'open', kind });
    expect(await t.status(account)).toMatchObject({ stage: 'waiting-for-link' });

    await t.sleep(2 * MINUTE);
    expect(await t.ended(account)).toMatchObject({ outcome: 'expired' });
    expect(await t.result(account)).toEqual({ kind, outcome: 'expired' });
    expect(await t.linkState(account, link.hash)).toEqual({ status: 'dead', reason: 'expired' });
    const effects = t.stubs.allCalls(account).map((c) => c.activity);
    expect(effects).toEqual(['findAccount', 'emailRenewalLink']);
  });

  it('ends as cancelled on an operator’s cancel: its link dies, nothing is changed or notified', async () => {
    const account = t.newAccount();
    await t.request(account, kind);
    const link = await t.link(account);
    await t.cancel(account, 'demande de l’usager par téléphone');
    expect(await t.ended(account)).toMatchObject({ kind, outcome: 'cancelled' });
    expect(await t.linkState(account, link.hash)).toEqual({ status: 'dead', reason: 'cancelled' });
    expect(await t.submit(account, link, kind, secretOf(kind, account))).toEqual({ status: 'rejected', reason: 'cancelled' });
    expect(await t.resend(account)).toEqual({ status: 'refused', reason: 'not-waiting' });
    expect(await t.result(account)).toEqual({ kind, outcome: 'cancelled' });
    expect(t.stubs.allCalls(account).map((c) => c.activity)).toEqual(['findAccount', 'emailRenewalLink']);
  });

  it(`locks after the policy's wrong secrets, counting down, with exactly one lock-out notice and no change`, async () => {
    const account = t.newAccount();
    const runId = await t.request(account, kind);
    const link = await t.link(account);
    const { maxSecretAttempts } = t.policy;
    for (let wrong = 1; wrong < maxSecretAttempts; wrong++) {
      expect(await t.submit(account, link, kind, `faux-${wrong}`)).toEqual({
        status: 'wrong-secret',
        attemptsLeft: maxSecretAttempts - wrong,
      });
      expect(await t.linkState(account, link.hash)).toMatchObject({ status: 'open', attemptsLeft: maxSecretAttempts - wrong });
    }
    expect(await t.submit(account, link, kind, 'faux-dernier')).toEqual({ status: 'dead', reason: 'locked' });

    const [notice] = await t.stubs.waitForCalls('notifyLockout', 1, account);
    expect(notice!.input).toEqual({ accountId: account.accountId, renewalId: `${account.workflowId}/${runId}`, kind });
    expect(await t.ended(account)).toMatchObject({ stage: 'cooling-down', outcome: 'locked', lockouts: 1 });
    expect(await t.linkState(account, link.hash)).toEqual({ status: 'dead', reason: 'locked' });
    // The right secret, now: refused before it is even checked.
    expect(await t.submit(account, link, kind, secretOf(kind, account))).toEqual({ status: 'rejected', reason: 'locked' });
    expect(t.stubs.calls('verifySecret', account)).toHaveLength(maxSecretAttempts);
    expect(t.stubs.calls('verifySecret', account).every((c) => c.result === false)).toBe(true);
    expect(t.stubs.calls('assignNewIdentifier', account)).toEqual([]);
    expect(t.stubs.calls('issueNewPassword', account)).toEqual([]);
    expect(t.stubs.calls('notifyChange', account)).toEqual([]);
    expect(await t.result(account)).toEqual({ kind, outcome: 'locked' });
    expect(t.stubs.calls('notifyLockout', account)).toHaveLength(1);
  });
});
