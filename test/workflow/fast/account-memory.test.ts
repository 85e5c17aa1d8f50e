/**
 * What an account's renewals remember across attempts and runs (workflows/account-memory.ts), with
 * stub activities and skipped time: the lasting bound on wrong secrets (lock-outs within the window
 * refuse renewals for a while, with a refusal email), the cooldown before the other kind after a
 * completion, one kind at a time, and continue-as-new carrying the memory to the next run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RefusalReason } from '../../../copy/emails.js';
import { RENEWAL_KINDS, type RenewalKind } from '../../../workflows/definitions.js';
import { HOUR, MINUTE, otherKind, secretOf, startFastTier, type FastAccount, type FastTier } from './fast-tier.js';

let t: FastTier;

beforeAll(async () => {
  t = await startFastTier();
});
afterEach(() => t?.cleanup());
afterAll(() => t?.stop());

/** Plays one attempt to its lock-out: a request, its link, every wrong secret the policy allows. */
async function lockOut(account: FastAccount, kind: RenewalKind, nth: number) {
  await t.request(account, kind);
  const link = await t.link(account, nth);
  for (let wrong = 1; wrong <= t.policy.maxSecretAttempts; wrong++) await t.submit(account, link, kind, `faux-${nth}-${wrong}`);
  await t.stubs.waitForCalls('notifyLockout', nth, account);
  return t.untilStatus(account, (s) => s.outcome === 'locked' && s.lockouts === nth, `lock-out ${nth} recorded`);
}

/** The refusal emails sent to the account, with the reason each gave. */
const refusals = (account: FastAccount) => t.stubs.calls('emailRefusal', account).map((c) => c.input);

describe('the lasting bound on wrong secrets', () => {
  it('after the lock-out limit within the window, refuses renewals of both kinds until the refusal ends, and says so', async () => {
    const { lockoutLimit, lockoutRefusalMs, lockoutWindowMs } = t.policy;
    // Each attempt an hour after the one before: inside the window, and outside the emails' hour.
    expect(lockoutLimit * HOUR).toBeLessThan(lockoutWindowMs);
    const account = t.newAccount();
    let status;
    for (let lockout = 1; lockout <= lockoutLimit; lockout++) {
      if (lockout > 1) await t.sleep(HOUR);
      status = await lockOut(account, 'identifier', lockout);
      expect(status.refusedUntil === undefined).toBe(lockout < lockoutLimit);
    }
    const lockedAt = await t.now();
    const refusedUntil = Date.parse(status!.refusedUntil!);
    expect(refusedUntil).toBeGreaterThan(lockedAt + lockoutRefusalMs - MINUTE);
    expect(refusedUntil).toBeLessThanOrEqual(lockedAt + lockoutRefusalMs);
    expect(t.stubs.calls('notifyLockout', account)).toHaveLength(lockoutLimit);
    expect(t.stubs.calls('verifySecret', account)).toHaveLength(lockoutLimit * t.policy.maxSecretAttempts);

    // Requests of either kind (an hour later: out of the last link's email hour): no link, a refusal email saying until when.
    await t.sleep(HOUR);
    await t.request(account, 'identifier');
    await t.stubs.waitForCalls('emailRefusal', 1, account);
    await t.request(account, 'password');
    await t.stubs.waitForCalls('emailRefusal', 2, account);
    const reason: RefusalReason = 'locked-out';
    expect(refusals(account)).toEqual([
      expect.objectContaining({ accountId: account.accountId, requestedKind: 'identifier', reason, until: refusedUntil }),
      expect.objectContaining({ accountId: account.accountId, requestedKind: 'password', reason, until: refusedUntil }),
    ]);
    expect(new Set(refusals(account).map((r) => r.noticeId)).size).toBe(2); // each notice its own (sent once each)
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(lockoutLimit);

    // A minute before the end: still refused. A minute after: a renewal starts, with every try.
    await t.sleep(refusedUntil - (await t.now()) - MINUTE);
    await t.request(account, 'identifier');
    await t.stubs.waitForCalls('emailRefusal', 3, account);
    expect(refusals(account)[2]).toMatchObject({ reason, until: refusedUntil });
    await t.sleep(2 * MINUTE);
    await t.request(account, 'identifier');
    const link = await t.link(account, lockoutLimit + 1);
    expect(await t.linkState(account, link.hash, link.runId)).toMatchObject({ status: 'open', attemptsLeft: t.policy.maxSecretAttempts });
    expect((await t.submit(account, link, 'identifier', account.password)).status).toBe('completed');
  });

  it('counts wrong secrets across renewals: a fresh renewal after an expired one has only the tries left', async () => {
    const account = t.newAccount();
    await t.request(account, 'password');
    const first = await t.link(account, 1);
    expect(await t.submit(account, first, 'password', 'FAUX')).toEqual({
      status: 'wrong-secret',
      attemptsLeft: t.policy.maxSecretAttempts - 1,
    });
    await t.sleep(t.policy.linkTtlMs + MINUTE);
    expect(await t.ended(account)).toMatchObject({ outcome: 'expired', stage: 'cooling-down' }); // the wrong secret is remembered
    await t.request(account, 'password');
    const second = await t.link(account, 2);
    expect(second.runId).not.toBe(first.runId);
    expect(await t.linkState(account, second.hash, second.runId)).toMatchObject({
      status: 'open',
      attemptsLeft: t.policy.maxSecretAttempts - 1,
    });
  });
});

describe.each(RENEWAL_KINDS)('after a completed %s renewal', (kind) => {
  it('refuses the other kind until the cooldown ends, with the cooldown as reason, then lets it start', async () => {
    const other = otherKind(kind);
    const account = t.newAccount();
    await t.request(account, kind);
    const link = await t.link(account);
    const before = await t.now();
    expect((await t.submit(account, link, kind, secretOf(kind, account))).status).toBe('completed');
    await t.stubs.waitForCalls('notifyChange', 1, account);
    expect(await t.ended(account)).toMatchObject({ stage: 'cooling-down', outcome: 'completed' });
    const after = await t.now();

    await t.sleep(t.policy.cooldownMs - ((await t.now()) - before) - MINUTE);
    await t.request(account, other);
    const [refusal] = await t.stubs.waitForCalls('emailRefusal', 1, account);
    const reason: RefusalReason = 'cooldown';
    expect(refusal!.input).toMatchObject({ accountId: account.accountId, requestedKind: other, reason, otherKind: kind });
    expect(refusal!.input.until).toBeGreaterThanOrEqual(before + t.policy.cooldownMs);
    expect(refusal!.input.until).toBeLessThanOrEqual(after + t.policy.cooldownMs);
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);

    await t.sleep(refusal!.input.until - (await t.now()) + MINUTE);
    await t.request(account, other);
    const next = await t.link(account, 2);
    expect(await t.linkState(account, next.hash, next.runId)).toMatchObject({ status: 'open', kind: other });
    expect(t.stubs.calls('emailRefusal', account)).toHaveLength(1);
  });

  it('renews the same kind again at once, in a new run that carries the memory (continue-as-new)', async () => {
    const other = otherKind(kind);
    const account = t.newAccount();
    const firstRun = await t.request(account, kind);
    const link = await t.link(account);
    await t.submit(account, link, kind, 'faux'); // one wrong secret, remembered
    expect((await t.submit(account, link, kind, secretOf(kind, account))).status).toBe('completed');
    await t.ended(account);

    await t.sleep(HOUR);
    await t.request(account, kind);
    const next = await t.link(account, 2);
    expect(next.runId).not.toBe(firstRun);
    const first = await t.handle(account, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // The new run holds the wrong secret and the completion of the one before.
    expect(await t.linkState(account, next.hash, next.runId)).toMatchObject({
      status: 'open',
      attemptsLeft: t.policy.maxSecretAttempts - 1,
    });
    await t.cancel(account);
    expect(await t.ended(account)).toMatchObject({ outcome: 'cancelled', stage: 'cooling-down' });
    await t.request(account, other);
    const [cooldown] = await t.stubs.waitForCalls('emailRefusal', 1, account);
    expect(cooldown!.input).toMatchObject({ requestedKind: other, reason: 'cooldown' satisfies RefusalReason, otherKind: kind });
  });
});

describe('one kind at a time', () => {
  it.each(RENEWAL_KINDS)('while a %s renewal waits for its link, a request of the other kind is refused as in progress', async (kind) => {
    const account = t.newAccount();
    await t.request(account, kind);
    const link = await t.link(account);
    await t.request(account, otherKind(kind));
    const [refusal] = await t.stubs.waitForCalls('emailRefusal', 1, account);
    expect(refusal!.input).toMatchObject({
      accountId: account.accountId,
      requestedKind: otherKind(kind),
      reason: 'in-progress' satisfies RefusalReason,
      otherKind: kind,
      until: Date.parse(((await t.linkState(account, link.hash)) as { expiresAt: string }).expiresAt),
    });
    expect(await t.status(account)).toMatchObject({ kind, stage: 'waiting-for-link', linksSent: 1 });
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);
  });
});

describe('the rest', () => {
  it('closes the run once nothing matters any more; the next request starts afresh, remembering nothing', async () => {
    const account = t.newAccount();
    const firstRun = await t.request(account, 'identifier');
    const link = await t.link(account);
    await t.submit(account, link, 'identifier', 'faux');
    await t.cancel(account);
    expect(await t.ended(account)).toMatchObject({ outcome: 'cancelled', stage: 'cooling-down' });
    const endedAt = await t.now();
    expect(await t.result(account)).toEqual({ kind: 'identifier', outcome: 'cancelled' });
    // Until the wrong secret leaves the window (the longest thing remembered here).
    const { closeTime } = await t.handle(account, firstRun).describe();
    expect(closeTime!.getTime()).toBeGreaterThanOrEqual(endedAt + t.policy.lockoutWindowMs - 2 * MINUTE);

    const secondRun = await t.request(account, 'identifier');
    expect(secondRun).not.toBe(firstRun);
    const fresh = await t.link(account, 2);
    expect(fresh.runId).toBe(secondRun);
    expect(await t.linkState(account, fresh.hash)).toMatchObject({ status: 'open', attemptsLeft: t.policy.maxSecretAttempts });
  });

  it('lifts the rest on an operator’s cancel while resting', async () => {
    const account = t.newAccount();
    await t.request(account, 'identifier');
    const link = await t.link(account);
    await t.submit(account, link, 'identifier', account.password);
    expect(await t.ended(account)).toMatchObject({ stage: 'cooling-down' });
    await t.cancel(account, 'vérifié par la cellule d’assistance');
    await t.untilStatus(account, (s) => s.stage === 'closed', 'the rest to be lifted');
    expect(await t.result(account)).toEqual({ kind: 'identifier', outcome: 'completed' });
    await t.request(account, 'password'); // the cooldown went with the run
    const next = await t.link(account, 2);
    expect(await t.linkState(account, next.hash)).toMatchObject({ status: 'open', kind: 'password' });
  });
});
