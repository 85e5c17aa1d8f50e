/**
 * The links of a renewal, with stub activities: a matching request sends a fresh one (exactly one
 * email per re-send) and kills the old one, a request from another address sends nothing, the
 * `linkState` query answers for live, dead and pending links, and the `submitSecret` validator
 * rejects a dead link before anything is written to the history.
 */
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LINK_REASONS, RENEWAL_KINDS, type DeadLinkReason } from '../../../workflows/definitions.js';
import { otherKind, secretOf, startFastTier, type FastTier } from './fast-tier.js';

let t: FastTier;

beforeAll(async () => {
  t = await startFastTier();
});
afterEach(() => t?.cleanup());
afterAll(() => t?.stop());

const unknownHash = () => randomBytes(32).toString('hex');
const { EventType } = temporal.api.enums.v1;
const WORKFLOW_TASK_EVENTS = [
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
];

describe.each(RENEWAL_KINDS)('links of a %s renewal', (kind) => {
  it('sends exactly one fresh link per matching request and kills the one before', async () => {
    const account = t.newAccount();
    await t.request(account, kind);
    const first = await t.link(account, 1);
    await t.request(account, kind, { email: `  ${account.email.toUpperCase()} ` }); // the same address, as typed
    const second = await t.link(account, 2);
    await t.idle(account);

    expect(second.hash).not.toBe(first.hash);
    expect(await t.linkState(account, first.hash)).toEqual({ status: 'dead', reason: 'superseded' });
    expect(await t.linkState(account, second.hash)).toMatchObject({ status: 'open', kind });
    expect(await t.submit(account, first, kind, secretOf(kind, account))).toEqual({ status: 'rejected', reason: 'superseded' });
    expect(await t.status(account)).toMatchObject({ stage: 'waiting-for-link', linksSent: 2 });
    expect(t.stubs.calls('emailRenewalLink', account).map((c) => c.input)).toEqual([
      { accountId: account.accountId, kind, validForMs: t.policy.linkTtlMs },
      { accountId: account.accountId, kind, validForMs: t.policy.linkTtlMs },
    ]);
    // The account is looked up once: a re-send compares the address with the one that matched.
    expect(t.stubs.calls('findAccount', account)).toHaveLength(1);

    expect(await t.resend(account)).toEqual({ status: 'sent' }); // the page's « renvoyer le lien »
    const third = await t.link(account, 3);
    expect(await t.linkState(account, second.hash)).toEqual({ status: 'dead', reason: 'superseded' });
    expect((await t.submit(account, third, kind, secretOf(kind, account))).status).toBe('completed');
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(3);
  });

  it('sends nothing to anyone for a request from another address, of either kind', async () => {
    const account = t.newAccount();
    await t.request(account, kind);
    const first = await t.link(account);
    await t.request(account, kind, { email: 'intrus@example.org' });
    await t.request(account, otherKind(kind), { email: 'intrus@example.org' });
    await t.request(account, kind);
    await t.link(account, 2);
    await t.idle(account); // every request handled
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(2);
    expect(t.stubs.calls('emailRefusal', account)).toEqual([]);
    expect(t.stubs.calls('findAccount', account)).toHaveLength(1);
    expect(await t.linkState(account, first.hash)).toEqual({ status: 'dead', reason: 'superseded' });
  });

  it('answers the link page: open with its expiry and tries left, unknown for any other hash or a malformed ask', async () => {
    const account = t.newAccount();
    const before = await t.now();
    await t.request(account, kind);
    const link = await t.link(account);
    const after = await t.now();
    const state = await t.linkState(account, link.hash);
    if (state.status !== 'open') throw new Error(JSON.stringify(state));
    expect(state).toMatchObject({ kind, attemptsLeft: t.policy.maxSecretAttempts });
    const expiresAt = Date.parse(state.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + t.policy.linkTtlMs);
    expect(expiresAt).toBeLessThanOrEqual(after + t.policy.linkTtlMs);

    expect(await t.linkState(account, unknownHash())).toEqual({ status: 'dead', reason: 'unknown' });
    const malformed = await t.handle(account).query('linkState', { linkHash: 42 });
    expect(malformed).toEqual({ status: 'dead', reason: 'unknown' });
    // A wrong secret counts down what the page shows.
    await t.submit(account, link, kind, 'faux');
    expect(await t.linkState(account, link.hash)).toMatchObject({ status: 'open', attemptsLeft: t.policy.maxSecretAttempts - 1 });
  });

  it('answers pending for a link whose email went before its activity completed, then open; a submission waits and wins', async () => {
    const account = t.newAccount();
    const held = t.stubs.holdNext('emailRenewalLink', account);
    await t.request(account, kind);
    const { result } = await held.reached; // the email is out: the citizen may click before the workflow knows the link
    expect(await t.linkState(account, result.linkHash)).toEqual({ status: 'pending' });
    expect(await t.status(account)).toMatchObject({ stage: 'waiting-for-link', linksSent: 0 });

    const submitted = t.submit(account, { hash: result.linkHash }, kind, secretOf(kind, account));
    // The validator let it in (it may be the link being sent): it waits for the email's turn.
    await t.eventually(
      () => t.history(account),
      (events) => events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes),
      'the submission to be accepted',
    );
    held.release();
    expect(await submitted).toMatchObject({ status: 'completed', kind });
    expect(await t.linkState(account, result.linkHash)).toEqual({ status: 'dead', reason: 'already-used' });
    expect(t.stubs.calls('emailRenewalLink', account)).toHaveLength(1);
  });

  it('rejects a submission in its validator, writing nothing, for every dead link it can tell', async () => {
    const account = t.newAccount();
    await t.request(account, kind);
    const first = await t.link(account, 1);
    await t.request(account, kind);
    const current = await t.link(account, 2);
    const events = (await t.history(account)).length;

    const rejected: Record<string, unknown> = {
      unknown: await t.submit(account, { hash: unknownHash() }, kind, secretOf(kind, account)),
      superseded: await t.submit(account, first, kind, secretOf(kind, account)),
      // The link of this renewal, sent to the other kind's page.
      otherKind: await t.submit(account, current, otherKind(kind), secretOf(kind, account)),
      malformed: await t.submit(account, { hash: 'pas-un-hash' }, kind, secretOf(kind, account)),
    };
    expect(rejected).toEqual({
      unknown: { status: 'rejected', reason: 'unknown' },
      superseded: { status: 'rejected', reason: 'superseded' },
      otherKind: { status: 'rejected', reason: 'unknown' },
      malformed: { status: 'rejected', reason: 'unknown' },
    });
    for (const answer of Object.values(rejected)) {
      expect(DEAD_LINK_REASONS).toContain((answer as { reason: DeadLinkReason }).reason);
    }
    // Nothing of the updates was written: the real server drops the workflow tasks that ran the
    // validator (renewal-outcomes.test.ts compares the whole history); the test server keeps them.
    const written = (await t.history(account)).slice(events).map((e) => e.eventType);
    expect(written.filter((type) => !WORKFLOW_TASK_EVENTS.includes(type!))).toEqual([]);
    expect(t.stubs.calls('verifySecret', account)).toEqual([]); // nor checks any secret
    expect(await t.linkState(account, current.hash)).toMatchObject({ status: 'open', attemptsLeft: t.policy.maxSecretAttempts });
  });
});

describe('dead links after the run has closed', () => {
  it('answers unknown for any link of a run that matched no account', async () => {
    const account = t.newAccount();
    await t.request(account, 'identifier', { email: 'quelqu.un@example.org' });
    await t.result(account);
    expect(await t.linkState(account, unknownHash())).toEqual({ status: 'dead', reason: 'unknown' });
  });

  it('answers already-used for the link of a completed renewal, superseded for the one before, on the closed run', async () => {
    const account = t.newAccount();
    await t.request(account, 'password');
    const first = await t.link(account, 1);
    await t.request(account, 'password');
    const second = await t.link(account, 2);
    expect((await t.submit(account, second, 'password', account.identifier)).status).toBe('completed');
    await t.result(account); // closes after the cooldown (time skipped)
    expect((await t.handle(account).describe()).status.name).toBe('COMPLETED');
    expect(await t.linkState(account, second.hash, second.runId)).toEqual({ status: 'dead', reason: 'already-used' });
    expect(await t.linkState(account, first.hash, first.runId)).toEqual({ status: 'dead', reason: 'superseded' });
  });
});
