/**
 * Operators on the real dev server: visibility list queries find a renewal by the stage, outcome
 * and lock-outs the workflow upserts, and the ops tools cancel, resend, report and export through
 * the client. Visibility is eventually consistent: every look-up polls until a deadline, never a
 * fixed sleep.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { renewalClientFor } from '../../client/renewals.js';
import {
  createOperatorTools,
  listRenewals,
  renewalQuery,
  type OperatorTools,
  type RenewalListItem,
  type RenewalQuery,
} from '../../ops/operators.js';
import { RENEWAL_WORKFLOW_TYPE, type RenewalInput, type RenewalKind, type RenewalStage } from '../../workflows/definitions.js';
import {
  RENEWAL_WORKFLOW_TYPE as LEGACY_WORKFLOW_TYPE,
  requestSignal as legacyRequestSignal,
  type RenewalInput as LegacyRenewalInput,
} from '../../workflows/legacy/definitions.js';
import { RenewalKind as RenewalKindKey, RenewalStage as RenewalStageKey } from '../../workflows/search-attributes.js';
import { connectDevServer, startRenewalHarness, workflowBundle, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';

let dev: DevServer;
let h: RenewalHarness;
let tools: OperatorTools;

beforeAll(async () => {
  dev = await connectDevServer();
  h = await startRenewalHarness(dev);
  tools = createOperatorTools({ client: dev.client, renewals: h.renewals });
});

afterAll(async () => {
  await h?.stop();
  await dev?.close();
});

const HOUR = 3600_000;

/** Polls `look` until it returns something, or fails after the deadline saying what was awaited. */
async function eventually<T>(what: string, look: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`still not seen after ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

/** The renewal as a visibility list query sees it once it matches (by default: once it has reached `stage`). */
function listed(
  workflowId: string,
  query: RenewalQuery,
  accept: (item: RenewalListItem) => boolean = () => true,
): Promise<RenewalListItem> {
  const text = renewalQuery({ workflowId, ...query });
  return eventually(text, async () => (await listRenewals(dev.client, text)).find((r) => r.workflowId === workflowId && accept(r)));
}

const listedAt = (workflowId: string, stage: RenewalStage, extra: RenewalQuery = {}) => listed(workflowId, { stage, ...extra });

type Account = Awaited<ReturnType<RenewalHarness['createAccount']>>;
const secretOf = (kind: RenewalKind, account: Account) => (kind === 'identifier' ? account.password : account.identifier);

/**
 * A fresh account whose renewal of `kind` waits on its first link. The email leaves inside the
 * activity and the run records the link's hash only once the activity completes: a secret submitted
 * in between is refused as an unknown link, so this waits until the run knows the link.
 */
async function requested(kind: RenewalKind = 'identifier', renewals = h.renewals) {
  const account = await h.createAccount();
  await renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email, 1, kind);
  await expect.poll(async () => (await renewals.linkState(kind, token)).status).toBe('open');
  return { account, token };
}

async function lockOut(kind: RenewalKind, token: string, renewals = h.renewals) {
  for (let i = 1; i <= h.config.renewal.maxSecretAttempts; i++) await renewals.submitSecret(kind, token, `FAUX-FAUX-FAU${i}`);
}

const ids = (renewals: RenewalListItem[]) => renewals.map((r) => r.workflowId);

describe('visibility: a renewal is found by its stage, outcome and lock-outs', () => {
  it('after the request, the completion, the waiting period and its lifting', async () => {
    const { account, token } = await requested('identifier');
    const waiting = await listedAt(account.workflowId, 'waiting-for-link', { running: true });
    expect(waiting).toMatchObject({
      execution: 'RUNNING',
      workflowType: RENEWAL_WORKFLOW_TYPE,
      legacy: false,
      kind: 'identifier',
      stage: 'waiting-for-link',
      lockouts: 0,
      outcome: undefined,
    });
    expect(waiting.stageSince).toBeInstanceOf(Date);
    expect(waiting.deadline!.getTime()).toBeGreaterThan(waiting.stageSince!.getTime());

    expect(await h.renewals.submitSecret('identifier', token, account.password)).toMatchObject({ status: 'completed' });
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'completed' });
    // The run rests while the cooldown before a password renewal lasts: its deadline is the end of it.
    const resting = await listedAt(account.workflowId, 'cooling-down', { running: true, outcome: 'completed' });
    expect(resting).toMatchObject({ execution: 'RUNNING', outcome: 'completed', lockouts: 0 });
    expect(resting.deadline!.getTime()).toBeGreaterThanOrEqual(resting.stageSince!.getTime() + h.config.renewal.cooldownMs - 60_000);

    expect(await tools.cancel({ workflowId: account.workflowId }, 'fin du délai vérifiée avec l’usager')).toMatchObject({
      status: 'cancel-requested',
      stage: 'cooling-down',
    });
    const closed = await listedAt(account.workflowId, 'closed');
    expect(closed).toMatchObject({ execution: 'COMPLETED', outcome: 'completed' });
    expect(closed.deadline).toBeUndefined();
  });

  it('list-stuck finds a renewal waiting for its link longer than the threshold, and not before', async () => {
    const { account } = await requested('password');
    const { stageSince } = await listedAt(account.workflowId, 'waiting-for-link', { running: true });

    // "Now" two hours and a minute after the stage began: the renewal has waited too long.
    const later = new Date(stageSince!.getTime() + 2 * HOUR + 60_000);
    const stuck = await tools.listStuck({ stage: 'waiting-for-link', olderThanMs: 2 * HOUR, now: later, limit: 1000 });
    expect(stuck.query).toBe(
      `WorkflowType IN ('credentialRenewalWorkflow', 'renewalWorkflow') AND RenewalStage = 'waiting-for-link' AND RenewalStageSince < '${new Date(later.getTime() - 2 * HOUR).toISOString()}' AND ExecutionStatus = 'Running'`,
    );
    expect(ids(stuck.renewals)).toContain(account.workflowId);
    expect(stuck.renewals.find((r) => r.workflowId === account.workflowId)).toMatchObject({ kind: 'password', legacy: false });
    expect(ids((await tools.listStuck({ olderThanMs: 2 * HOUR, now: later, limit: 1000 })).renewals)).toContain(account.workflowId);

    const fresh = await tools.listStuck({ stage: 'waiting-for-link', olderThanMs: 2 * HOUR, limit: 1000 });
    expect(ids(fresh.renewals)).not.toContain(account.workflowId);
    const otherStage = await tools.listStuck({ stage: 'changing', olderThanMs: 0, now: later, limit: 1000 });
    expect(ids(otherStage.renewals)).not.toContain(account.workflowId);

    await tools.cancel({ workflowId: account.workflowId }, 'fin du test');
  });

  it('list-stuck leaves a renewal in its waiting period alone, and reports it once that period is long past', async () => {
    const { account, token } = await requested('password');
    await h.renewals.submitSecret('password', token, account.identifier);
    await h.outcome(account.workflowId);
    const resting = await listedAt(account.workflowId, 'cooling-down', { running: true });

    // Hours into the cooldown: the run waits on purpose, whatever the stage's age.
    const hoursLater = new Date(resting.stageSince!.getTime() + 3 * HOUR);
    expect(ids((await tools.listStuck({ olderThanMs: 2 * HOUR, now: hoursLater, limit: 1000 })).renewals)).not.toContain(
      account.workflowId,
    );
    const byStage = await tools.listStuck({ stage: 'cooling-down', olderThanMs: 2 * HOUR, now: hoursLater, limit: 1000 });
    expect(ids(byStage.renewals)).not.toContain(account.workflowId);

    // Two hours past the end of the waiting period and still open: its timer did not fire.
    const pastDeadline = new Date(resting.deadline!.getTime() + 2 * HOUR + 60_000);
    const stuck = await tools.listStuck({ olderThanMs: 2 * HOUR, now: pastDeadline, limit: 1000 });
    expect(stuck.query).toContain(
      `(RenewalStage = 'cooling-down' AND RenewalDeadline < '${new Date(pastDeadline.getTime() - 2 * HOUR).toISOString()}')`,
    );
    expect(ids(stuck.renewals)).toContain(account.workflowId);
    const stuckByStage = await tools.listStuck({ stage: 'cooling-down', olderThanMs: 2 * HOUR, now: pastDeadline, limit: 1000 });
    expect(stuckByStage.query).toBe(
      `WorkflowType IN ('credentialRenewalWorkflow', 'renewalWorkflow') AND RenewalStage = 'cooling-down' AND RenewalDeadline < '${new Date(pastDeadline.getTime() - 2 * HOUR).toISOString()}' AND ExecutionStatus = 'Running'`,
    );
    expect(ids(stuckByStage.renewals)).toContain(account.workflowId);

    await tools.cancel({ workflowId: account.workflowId }, 'fin du test');
  });

  it('finds accounts with lock-outs, and those whose renewals are refused', async () => {
    // One lock-out suffices to refuse this account's renewals: the policy is the run's, from its start.
    const strict = h.clientWithPolicy({ lockoutLimit: 1 });
    const { account, token } = await requested('identifier', strict);
    const calm = await requested('identifier');
    await lockOut('identifier', token, strict);
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'locked' });

    const locked = await listed(account.workflowId, { minLockouts: 1 });
    expect(locked).toMatchObject({ execution: 'RUNNING', stage: 'cooling-down', outcome: 'locked', lockouts: 1 });
    const refused = await listed(account.workflowId, { stage: 'cooling-down', outcome: 'locked', minLockouts: 1, running: true });
    expect(refused.deadline!.getTime()).toBeGreaterThan(Date.now());
    expect(renewalQuery({ stage: 'cooling-down', outcome: 'locked', minLockouts: 1, running: true })).toBe(
      `WorkflowType IN ('credentialRenewalWorkflow', 'renewalWorkflow') AND RenewalStage = 'cooling-down' AND RenewalOutcome = 'locked' AND RenewalLockouts >= 1 AND ExecutionStatus = 'Running'`,
    );
    // An account without lock-outs is not among them (the same listing, once it shows the locked one).
    const everyLocked = await listRenewals(dev.client, renewalQuery({ minLockouts: 1, running: true }), 10_000);
    expect(ids(everyLocked)).toContain(account.workflowId);
    expect(ids(everyLocked)).not.toContain(calm.account.workflowId);

    const status = await tools.status({ workflowId: account.workflowId });
    expect(status).toMatchObject({
      status: 'found',
      legacy: false,
      outcome: 'locked',
      lockouts: 1,
      live: { stage: 'cooling-down', lockouts: 1 },
    });
    expect(status.status === 'found' && !status.legacy && status.live?.refusedUntil).toEqual(expect.any(String));

    await tools.cancel({ workflowId: account.workflowId }, 'fin du test');
    await tools.cancel({ workflowId: calm.account.workflowId }, 'fin du test');
    expect(() => renewalQuery({ minLockouts: -1 })).toThrow(/lock-out/);
    expect(() => renewalQuery({ outcome: "completed' OR 'a' = 'a" as never })).toThrow(/outcome/);
  });
});

describe('ops tools', () => {
  it('cancel ends the attempt as cancelled and kills its link; a second cancel lifts the waiting period', async () => {
    const { account, token } = await requested('identifier');

    expect(await tools.cancel({ numic: account.numic }, '  usager injoignable, demande faite par téléphone  ')).toEqual({
      status: 'cancel-requested',
      workflowId: account.workflowId,
      stage: 'waiting-for-link',
    });
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'cancelled' });
    expect(await h.renewals.linkState('identifier', token)).toEqual({ status: 'dead', reason: 'cancelled' });
    // The link email counts against the hourly limit: the run rests while it does.
    await listedAt(account.workflowId, 'cooling-down', { running: true, outcome: 'cancelled' });

    expect(await tools.cancel({ workflowId: account.workflowId }, 'délai levé après vérification')).toEqual({
      status: 'cancel-requested',
      workflowId: account.workflowId,
      stage: 'cooling-down',
    });
    await listedAt(account.workflowId, 'closed');
    expect(await tools.cancel({ workflowId: account.workflowId }, 'encore')).toEqual({
      status: 'not-running',
      workflowId: account.workflowId,
      execution: 'COMPLETED',
    });
    const status = await tools.status({ workflowId: account.workflowId });
    expect(status).toMatchObject({
      status: 'found',
      execution: 'COMPLETED',
      stage: 'closed',
      outcome: 'cancelled',
      live: { outcome: 'cancelled' },
    });
    await expect(tools.cancel({ workflowId: account.workflowId }, '   ')).rejects.toThrow(/reason/);
  });

  it('refuses to cancel once the credential is being changed', async () => {
    // A run no worker takes, started with the stage attribute of a change in progress.
    const account = await h.createAccount();
    const input: RenewalInput = { numic: account.numic, policy: h.config.renewal };
    await dev.client.workflow.start(RENEWAL_WORKFLOW_TYPE, {
      workflowId: account.workflowId,
      taskQueue: `sans-worker-${randomUUID()}`,
      args: [input],
      typedSearchAttributes: [
        { key: RenewalKindKey, value: 'password' },
        { key: RenewalStageKey, value: 'notifying' },
      ],
    });
    expect(await tools.cancel({ workflowId: account.workflowId }, 'trop tard')).toEqual({
      status: 'too-late',
      workflowId: account.workflowId,
      stage: 'notifying',
    });
    await dev.client.workflow.getHandle(account.workflowId).terminate('fin du test');
  });

  it('resend mails a fresh link, kills the previous one, and stops at the hourly limit', async () => {
    const { account, token: first } = await requested('password');

    expect(await tools.resend({ workflowId: account.workflowId })).toEqual({ status: 'sent', workflowId: account.workflowId });
    const second = await h.linkToken(account.email, 2, 'password');
    expect(second).not.toBe(first);
    expect(await h.renewals.linkState('password', first)).toEqual({ status: 'dead', reason: 'superseded' });

    const limit = h.config.renewal.maxLinkEmailsPerHour;
    for (let sent = 2; sent < limit; sent++) expect(await tools.resend({ numic: account.numic })).toMatchObject({ status: 'sent' });
    expect(await tools.resend({ numic: account.numic })).toEqual({
      status: 'refused',
      reason: 'rate-limited',
      workflowId: account.workflowId,
    });

    const status = await tools.status({ numic: account.numic });
    expect(status).toMatchObject({
      status: 'found',
      execution: 'RUNNING',
      kind: 'password',
      stage: 'waiting-for-link',
      live: { kind: 'password', linksSent: limit, attemptsLeft: 3 },
    });
    expect(status.status === 'found' && status.summary).toMatch(/Renouvellement de mot de passe/);
    expect(status.status === 'found' && status.live?.deadline).toEqual(expect.any(String));

    // The attempt ended, the run rests: nothing waits on a link.
    await tools.cancel({ numic: account.numic }, 'fin du test');
    await h.outcome(account.workflowId);
    expect(await tools.resend({ numic: account.numic })).toEqual({
      status: 'refused',
      reason: 'not-waiting',
      workflowId: account.workflowId,
    });
    await tools.cancel({ numic: account.numic }, 'fin du test');
    await listedAt(account.workflowId, 'closed');
    expect(await tools.resend({ numic: account.numic })).toMatchObject({ status: 'not-running' });
  });

  it('without a worker, still reports from the server, and says resend got no answer', async () => {
    const account = await h.createAccount();
    const orphans = renewalClientFor(dev.client, h.config, { taskQueue: `sans-worker-${randomUUID()}` });
    await orphans.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const impatient = createOperatorTools({ client: dev.client, renewals: orphans, queryTimeoutMs: 500, updateTimeoutMs: 1_000 });

    const status = await impatient.status({ numic: account.numic });
    expect(status).toMatchObject({
      status: 'found',
      execution: 'RUNNING',
      workflowId: account.workflowId,
      kind: 'password',
      stage: undefined,
    });
    expect(status.status === 'found' && status.live).toBeUndefined();
    expect(await impatient.resend({ numic: account.numic })).toEqual({ status: 'no-answer', workflowId: account.workflowId });
    // Never picked up, so no stage attributes: list-stuck without --stage finds it by its start.
    const later = new Date(Date.now() + 3 * HOUR);
    const orphan = await eventually('the orphan in list-stuck', async () => {
      const { renewals } = await impatient.listStuck({ olderThanMs: 2 * HOUR, now: later, limit: 1000 });
      return renewals.find((r) => r.workflowId === account.workflowId);
    });
    expect(orphan).toMatchObject({ execution: 'RUNNING', stage: undefined, stageSince: undefined });
    await dev.client.workflow.getHandle(account.workflowId).terminate('fin du test');
  });

  it('finds, reads and cancels a run of the legacy type still in flight', async () => {
    const account = await h.createAccount();
    const { linkTtlMs, maxLinkEmailsPerHour } = h.config.renewal;
    const input: LegacyRenewalInput = {
      kind: 'identifier',
      numic: account.numic,
      policy: { linkTtlMs, passwordStepTtlMs: 15 * 60_000, maxPasswordAttempts: 3, maxLinkEmailsPerHour },
    };
    await dev.client.workflow.signalWithStart(LEGACY_WORKFLOW_TYPE, {
      workflowId: account.workflowId,
      taskQueue: h.taskQueue,
      args: [input],
      signal: legacyRequestSignal,
      signalArgs: [{ email: account.email }],
    });
    const waiting = await listedAt(account.workflowId, 'waiting-for-link', { running: true });
    expect(waiting).toMatchObject({ workflowType: LEGACY_WORKFLOW_TYPE, legacy: true, kind: 'identifier' });

    const later = new Date(waiting.stageSince!.getTime() + 2 * HOUR + 60_000);
    expect(ids((await tools.listStuck({ olderThanMs: 2 * HOUR, now: later, limit: 1000 })).renewals)).toContain(account.workflowId);
    const byStage = await tools.listStuck({ stage: 'waiting-for-link', olderThanMs: 2 * HOUR, now: later, limit: 1000 });
    expect(ids(byStage.renewals)).toContain(account.workflowId);

    const status = await tools.status({ numic: account.numic });
    expect(status).toMatchObject({
      status: 'found',
      legacy: true,
      workflowType: LEGACY_WORKFLOW_TYPE,
      live: { stage: 'waiting-for-link', linksSent: 1 },
    });

    expect(await tools.cancel({ numic: account.numic }, 'fin du test')).toMatchObject({
      status: 'cancel-requested',
      stage: 'waiting-for-link',
    });
    const closed = await listedAt(account.workflowId, 'closed');
    expect(closed).toMatchObject({ execution: 'COMPLETED', legacy: true });
    expect(await tools.status({ numic: account.numic })).toMatchObject({ legacy: true, live: { stage: 'closed', outcome: 'cancelled' } });
  });

  it('reports an unknown renewal as not found', async () => {
    const unknown = { workflowId: 'renouvellement-inconnu' };
    expect(await tools.status(unknown)).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
    expect(await tools.cancel(unknown, 'test')).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
    expect(await tools.resend(unknown)).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
  });

  it('exports a history, payloads decoded, that replays as a new case', async () => {
    const { account, token } = await requested('password');
    await h.renewals.submitSecret('password', token, secretOf('password', account));
    await h.outcome(account.workflowId);
    // A complete history: lift the waiting period so that the run closes.
    await tools.cancel({ workflowId: account.workflowId }, 'fin du test');
    await listedAt(account.workflowId, 'closed');

    const directory = mkdtempSync(join(tmpdir(), 'histories-'));
    const codec = new AesGcmCodec(h.config.payloadCodec);
    const written = await tools.exportHistory({ workflowId: account.workflowId, name: 'ops-export', directory, codec });
    expect(written).toMatchObject({ status: 'written', execution: 'COMPLETED', decoded: true, path: join(directory, 'ops-export.json') });

    const json = readFileSync(join(directory, 'ops-export.json'), 'utf8');
    expect(json).not.toContain(Buffer.from('binary/encrypted').toString('base64'));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJSON(JSON.parse(json)), account.workflowId);

    expect(await tools.exportHistory({ workflowId: account.workflowId, name: 'ops-export', directory, codec })).toEqual({
      status: 'exists',
      path: join(directory, 'ops-export.json'),
    });
    await expect(tools.exportHistory({ workflowId: account.workflowId, name: '../évasion', directory })).rejects.toThrow(
      /invalid case name/,
    );
    expect(await tools.exportHistory({ workflowId: 'renouvellement-inconnu', name: 'x', directory })).toMatchObject({
      status: 'not-found',
    });
  });
});
