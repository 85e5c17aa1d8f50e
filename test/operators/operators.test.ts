/**
 * Operators on the real dev server: visibility list queries find a renewal by the stage the
 * workflow upserts, and the ops tools cancel, resend, report and export through the client.
 * Visibility is eventually consistent: every look-up polls until a deadline, never a fixed sleep.
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
import { createFieldSealer } from '../../codec/sealed-field.js';
import { createRenewalClient } from '../../client/renewals.js';
import {
  createOperatorTools,
  listRenewals,
  renewalQuery,
  type OperatorTools,
  type RenewalListItem,
  type RenewalQuery,
} from '../../ops/operators.js';
import type { RenewalStage } from '../../workflows/definitions.js';
import { connectDevServer, startRenewalHarness, workflowBundle, type DevServer, type RenewalHarness } from '../workflow/harness.js';

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

/** The renewal as a visibility list query sees it once it has reached `stage`. */
function listedAt(workflowId: string, stage: RenewalStage, extra: RenewalQuery = {}): Promise<RenewalListItem> {
  const query = renewalQuery({ workflowId, stage, ...extra });
  return eventually(query, async () => (await listRenewals(dev.client, query)).find((r) => r.workflowId === workflowId));
}

describe('visibility: a renewal is found by its stage', () => {
  it('after the request, the opened link and the completion', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });

    const waiting = await listedAt(account.workflowId, 'waiting-for-link', { running: true });
    expect(waiting).toMatchObject({ execution: 'RUNNING', kind: 'identifier', stage: 'waiting-for-link' });
    expect(waiting.stageSince).toBeInstanceOf(Date);
    expect(waiting.deadline!.getTime()).toBeGreaterThan(waiting.stageSince!.getTime());

    const token = await h.linkToken(account.email);
    expect(await h.renewals.openLink(token)).toMatchObject({ status: 'open' });
    const opened = await listedAt(account.workflowId, 'waiting-for-password', { running: true });
    expect(opened.stageSince!.getTime()).toBeGreaterThanOrEqual(waiting.stageSince!.getTime());

    expect(await h.renewals.submitPassword(token, account.password)).toMatchObject({ status: 'completed' });
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'completed' });
    const closed = await listedAt(account.workflowId, 'closed');
    expect(closed.execution).toBe('COMPLETED');
    expect(closed.deadline).toBeUndefined();
  });

  it('list-stuck finds a renewal waiting longer than the threshold, and not before', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const { stageSince } = await listedAt(account.workflowId, 'waiting-for-link', { running: true });

    // "Now" two hours and a minute after the stage began: the renewal has waited too long.
    const later = new Date(stageSince!.getTime() + 2 * 3600_000 + 60_000);
    const stuck = await tools.listStuck({ stage: 'waiting-for-link', olderThanMs: 2 * 3600_000, now: later, limit: 1000 });
    expect(stuck.query).toBe(
      `WorkflowType = 'renewalWorkflow' AND RenewalStage = 'waiting-for-link' AND RenewalStageSince < '${new Date(later.getTime() - 2 * 3600_000).toISOString()}' AND ExecutionStatus = 'Running'`,
    );
    expect(stuck.renewals.map((r) => r.workflowId)).toContain(account.workflowId);

    const fresh = await tools.listStuck({ stage: 'waiting-for-link', olderThanMs: 2 * 3600_000, limit: 1000 });
    expect(fresh.renewals.map((r) => r.workflowId)).not.toContain(account.workflowId);
    const otherStage = await tools.listStuck({ stage: 'waiting-for-password', olderThanMs: 0, now: later, limit: 1000 });
    expect(otherStage.renewals.map((r) => r.workflowId)).not.toContain(account.workflowId);

    await tools.cancel({ workflowId: account.workflowId }, 'fin du test');
  });
});

describe('ops tools', () => {
  it('cancel ends the renewal as cancelled and kills its link', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email);

    expect(await tools.cancel({ numic: account.numic }, '  usager injoignable, demande faite par téléphone  ')).toEqual({
      status: 'cancel-requested',
      workflowId: account.workflowId,
    });
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'cancelled' });
    expect(await h.renewals.openLink(token)).toEqual({ status: 'dead', reason: 'cancelled' });
    await listedAt(account.workflowId, 'closed');

    expect(await tools.cancel({ workflowId: account.workflowId }, 'encore')).toEqual({
      status: 'not-running',
      workflowId: account.workflowId,
      execution: 'COMPLETED',
    });
    const status = await tools.status({ workflowId: account.workflowId });
    expect(status).toMatchObject({ status: 'found', execution: 'COMPLETED', stage: 'closed', live: { outcome: 'cancelled' } });
    await expect(tools.cancel({ workflowId: account.workflowId }, '   ')).rejects.toThrow(/reason/);
  });

  it('resend mails a fresh link, kills the previous one, and stops at the hourly limit', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const first = await h.linkToken(account.email, 1);

    expect(await tools.resend({ workflowId: account.workflowId })).toEqual({ status: 'sent', workflowId: account.workflowId });
    const second = await h.linkToken(account.email, 2);
    expect(second).not.toBe(first);
    expect(await h.renewals.openLink(first)).toEqual({ status: 'dead', reason: 'superseded' });

    const limit = h.config.renewal.maxLinkEmailsPerHour;
    for (let sent = 2; sent < limit; sent++) expect(await tools.resend({ numic: account.numic })).toMatchObject({ status: 'sent' });
    expect(await tools.resend({ numic: account.numic })).toEqual({
      status: 'refused',
      reason: 'rate-limited',
      workflowId: account.workflowId,
    });

    const status = await tools.status({ numic: account.numic });
    expect(status).toMatchObject({ status: 'found', execution: 'RUNNING', stage: 'waiting-for-link', live: { linksSent: limit } });
    expect(status.status === 'found' && status.summary).toMatch(/Renouvellement/);

    await tools.cancel({ numic: account.numic }, 'fin du test');
    await h.renewals.result(account.workflowId);
    expect(await tools.resend({ numic: account.numic })).toMatchObject({ status: 'not-running' });
  });

  it('without a worker, still reports from the server, and says resend got no answer', async () => {
    const account = await h.createAccount();
    const orphans = createRenewalClient({
      client: dev.client,
      taskQueue: `sans-worker-${randomUUID()}`,
      policy: h.config.renewal,
      renewalIdSecret: h.config.temporal.renewalIdSecret,
      sealer: createFieldSealer(h.config.payloadCodec.fieldSealKey),
    });
    await orphans.requestRenewal({ numic: account.numic, email: account.email });
    const impatient = createOperatorTools({ client: dev.client, renewals: orphans, queryTimeoutMs: 500, updateTimeoutMs: 1_000 });

    const status = await impatient.status({ numic: account.numic });
    expect(status).toMatchObject({ status: 'found', execution: 'RUNNING', workflowId: account.workflowId });
    expect(status.status === 'found' && status.live).toBeUndefined();
    expect(await impatient.resend({ numic: account.numic })).toEqual({ status: 'no-answer', workflowId: account.workflowId });
    // Never picked up, so no stage attributes: list-stuck without --stage finds it by its start.
    const later = new Date(Date.now() + 3 * 3600_000);
    const orphan = await eventually('the orphan in list-stuck', async () => {
      const { renewals } = await impatient.listStuck({ olderThanMs: 2 * 3600_000, now: later, limit: 1000 });
      return renewals.find((r) => r.workflowId === account.workflowId);
    });
    expect(orphan).toMatchObject({ execution: 'RUNNING', stage: undefined, stageSince: undefined });
    await dev.client.workflow.getHandle(account.workflowId).terminate('fin du test');
  });

  it('reports an unknown renewal as not found', async () => {
    const unknown = { workflowId: 'renouvellement-inconnu' };
    expect(await tools.status(unknown)).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
    expect(await tools.cancel(unknown, 'test')).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
    expect(await tools.resend(unknown)).toEqual({ status: 'not-found', workflowId: unknown.workflowId });
  });

  it('exports a history, payloads decoded, that replays as a new case', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email);
    await h.renewals.openLink(token);
    await h.renewals.submitPassword(token, account.password);
    await h.renewals.result(account.workflowId);

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
