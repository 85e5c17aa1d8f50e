/**
 * Workflow inputs sent straight to Temporal, bypassing the web: a real credential renewal (real
 * worker and activities on the test dev server) receives, through the Temporal client, the
 * `request` and `cancel` signals, the `submitSecret` and `resendLink` updates and the `status` and
 * `linkState` queries with malformed arguments drawn by fast-check, many at once; and, through the
 * raw WorkflowService API, payloads the data converter cannot decode. Then:
 *
 *   - no workflow task ever fails (no WorkflowTaskFailed event in the history);
 *   - a junk update is rejected by its validator and leaves no event (the dev server runs updates
 *     as speculative workflow tasks: a rejection writes nothing);
 *   - a junk signal adds at most the events of one WorkflowExecutionSignaled and one workflow task
 *     (scheduled, started, completed), and nothing else (no timer, activity, marker, attribute);
 *   - the renewal ends as it would have: it still completes with the right secret afterwards, or
 *     expires on time; its `status` answers the same stage and counts as before the junk.
 *
 * The counts follow FUZZ_WORKFLOW_MESSAGES (default 150 of each kind of message; `npm run fuzz`: 1 000).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, ServiceError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { openLinkToken } from '../../codec/link-token.js';
import { hashLinkSecret } from '../../domain/link-secret.js';
import { cancelSignal, linkStateQuery, requestSignal, statusQuery, type RenewalStatus } from '../../workflows/definitions.js';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';
import { junkArguments, strangePayloads, undecodablePayloads, unknownKeyPayload } from '../support/fuzz/workflow-junk.js';

const MESSAGES = Number(process.env.FUZZ_WORKFLOW_MESSAGES ?? Math.max(150, Math.round(Number(process.env.FUZZ_RUNS ?? 0) / 10)));
const AT_ONCE = 25;
/** Fewer updates than this in flight on one run: the server takes them all (it refuses more: `server-limit`). */
const UPDATES_AT_ONCE = 8;
const RESOURCE_EXHAUSTED = 8; // gRPC statuses
const UNAVAILABLE = 14;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const { EventType } = temporal.api.enums.v1;
/** What one junk signal may add: its WorkflowExecutionSignaled event and, at most, one workflow task. */
const SIGNAL_EVENTS = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
]);

/** The events of a workflow task, whatever its end (a speculative one the server gave up on may be written, timed out). */
const WORKFLOW_TASK_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_TASK_STARTED',
  'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
  'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT',
]);

/** What a well-formed request (for another email) adds besides: the wait's timer cancelled and started again. */
const TIMER_RESTART = new Set([EventType.EVENT_TYPE_TIMER_CANCELED, EventType.EVENT_TYPE_TIMER_STARTED]);

/** The shape the workflow accepts as a request (workflows/credential-renewal.ts, isRequest): anything else is dropped on arrival. */
const wellFormedRequest = (r: unknown) =>
  typeof r === 'object' &&
  r !== null &&
  ['identifier', 'password'].includes((r as { kind?: unknown }).kind as string) &&
  typeof (r as { email?: unknown }).email === 'string' &&
  (r as { email: string }).email.length <= 254;

let dev: DevServer;
let h: RenewalHarness;
/** Reads histories: a page of one holds every junk payload in full, past gRPC's default 4 MiB per message. */
let reader: Connection;
let histories: Client;

beforeAll(async () => {
  dev = await connectDevServer();
  h = await startRenewalHarness(dev);
  reader = await Connection.connect({
    address: h.config.temporal.address,
    channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
  });
  histories = new Client({ connection: reader, namespace: h.config.temporal.namespace });
}, 180_000);

afterAll(async () => {
  await reader?.close();
  await h?.stop();
  await dev?.close();
});

const draw = <T>(arbitrary: fc.Arbitrary<T>, count: number, offset = 0) =>
  fc.sample(arbitrary, { numRuns: count, ...(SEED === undefined ? {} : { seed: SEED + offset }) });

/** Runs `send` on every item, `atOnce` at a time (a flood, not a queue). */
async function flood<T>(items: T[], send: (item: T) => Promise<unknown>, atOnce = AT_ONCE) {
  for (let i = 0; i < items.length; i += atOnce) await Promise.all(items.slice(i, i + atOnce).map(send));
}

/** How an update call ended: accepted (its result), rejected by the workflow's validator, or refused by the server's own limit. */
async function updateOutcome(call: Promise<unknown>): Promise<string> {
  try {
    return `accepted: ${JSON.stringify(await call)}`;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return 'rejected';
    const code = (err as { cause?: { code?: number } }).cause?.code;
    if (err instanceof ServiceError && code === RESOURCE_EXHAUSTED) return 'server-limit';
    if (err instanceof ServiceError && code === UNAVAILABLE && /aborted/.test(String(err.cause))) return 'aborted';
    return `failed: ${String(err)} (${String((err as Error).cause)})`;
  }
}

async function events(handle: WorkflowHandle) {
  return (await histories.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
}

/** Waits until the run has no workflow task scheduled or running, and returns its history. */
async function settled(handle: WorkflowHandle, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask) {
      const history = await events(handle);
      const last = history.at(-1)?.eventType;
      if (last !== EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && last !== EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) return history;
    }
    if (Date.now() > deadline) throw new Error('the run still has a workflow task pending');
    await sleep(50);
  }
}

const count = (values: string[]) => Object.fromEntries([...new Set(values)].map((v) => [v, values.filter((x) => x === v).length]));

const failedTasks = (history: Awaited<ReturnType<typeof events>>) =>
  history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).map((e) => e.workflowTaskFailedEventAttributes);

/** A renewal waiting for its link, and what it looks like before the junk. */
async function waitingRenewal(client: typeof h.renewals = h.renewals) {
  const account = await h.createAccount();
  await client.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email);
  const handle = h.client.workflow.getHandle(account.workflowId);
  const history = await settled(handle);
  const status = await handle.query(statusQuery);
  expect(status.stage).toBe('waiting-for-link');
  return { account, token, handle, history, status };
}

/** The answers of `status` that junk must not change. */
const stable = (s: RenewalStatus) => ({
  kind: s.kind,
  stage: s.stage,
  outcome: s.outcome,
  deadline: s.deadline,
  attemptsLeft: s.attemptsLeft,
  linksSent: s.linksSent,
  lockouts: s.lockouts,
});

async function rawSignal(handle: WorkflowHandle, signalName: string, payloads: Payload[]) {
  await h.client.workflowService.signalWorkflowExecution({
    namespace: h.config.temporal.namespace,
    workflowExecution: { workflowId: handle.workflowId },
    signalName,
    input: { payloads },
    identity: 'fuzz',
    requestId: randomUUID(),
  });
}

/** An update built by hand: the server's answer (an outcome with a failure when the validator rejected it). */
async function rawUpdate(handle: WorkflowHandle, name: string, payloads: Payload[]) {
  const res = await h.client.workflowService.updateWorkflowExecution({
    namespace: h.config.temporal.namespace,
    workflowExecution: { workflowId: handle.workflowId },
    waitPolicy: {
      lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
    },
    request: { meta: { updateId: randomUUID(), identity: 'fuzz' }, input: { name, args: { payloads } } },
  });
  return res.outcome;
}

async function rawQuery(handle: WorkflowHandle, queryType: string, payloads: Payload[]) {
  return h.client.workflowService.queryWorkflow({
    namespace: h.config.temporal.namespace,
    execution: { workflowId: handle.workflowId },
    query: { queryType, queryArgs: { payloads } },
  });
}

describe('workflow inputs sent straight to Temporal', () => {
  it(
    `takes ${MESSAGES} junk signals, updates and queries of each kind without a failed task, and completes as before`,
    async () => {
      const { account, token, handle, history: before, status } = await waitingRenewal();
      const t0 = Date.now();
      const lap = (what: string) => console.log(`[fuzz] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);

      // Signals: `request` with malformed arguments, many at once.
      const requests = draw(junkArguments, 2 * MESSAGES, 1);
      const malformed = requests.filter((args) => !wellFormedRequest(args[0])).slice(0, MESSAGES);
      await flood(malformed, (args) => handle.signal(requestSignal.name, ...(args as [never])));
      const afterSignals = await settled(handle);
      const added = afterSignals.slice(before.length);
      expect(added.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length).toBe(malformed.length);
      expect(added.filter((e) => !SIGNAL_EVENTS.has(e.eventType!)).map((e) => EventType[e.eventType!])).toEqual([]);
      expect(added.length).toBeLessThanOrEqual(4 * malformed.length);
      console.log(`[fuzz] ${malformed.length} malformed request signals: ${added.length} events (at most 4 each)`);

      lap('malformed requests');
      // Well-formed requests for emails that are not the account's: dropped too, but each wakes the
      // wait for the link, whose timer is cancelled and started again (2 events more).
      const strangers = draw(fc.record({ kind: fc.constantFrom('identifier', 'password'), email: fc.emailAddress() }), 20, 6);
      await flood(strangers, (request) => handle.signal(requestSignal, request));
      const afterStrangers = await settled(handle);
      const byStrangers = afterStrangers.slice(afterSignals.length);
      expect(byStrangers.filter((e) => !SIGNAL_EVENTS.has(e.eventType!) && !TIMER_RESTART.has(e.eventType!))).toEqual([]);
      expect(byStrangers.length).toBeLessThanOrEqual(6 * strangers.length);
      console.log(`[fuzz] ${strangers.length} well-formed requests for other emails: ${byStrangers.length} events (at most 6 each)`);

      lap('strangers');
      // Updates: `submitSecret` with malformed arguments, each rejected by the validator, none written.
      const submissions = draw(junkArguments, MESSAGES, 2);
      const outcomes: string[] = [];
      await flood(
        submissions,
        async (args) => outcomes.push(await updateOutcome(handle.executeUpdate('submitSecret', { args: args as [unknown] }))),
        UPDATES_AT_ONCE,
      );
      console.log(`[fuzz] submitSecret ×${outcomes.length}, ${UPDATES_AT_ONCE} at once: ${JSON.stringify(count(outcomes))}`);
      expect(outcomes.filter((o) => o !== 'rejected')).toEqual([]);
      const afterUpdates = await settled(handle);
      expect(afterUpdates.length).toBe(afterStrangers.length);

      lap('updates');
      // Many more at once: the server itself refuses those past its limit of updates in flight per run
      // (RESOURCE_EXHAUSTED), or gives up on some (« workflow update was aborted »): none is applied.
      // A speculative task the server gave up on may be written as an ordinary workflow task.
      const burst = await Promise.all(
        draw(junkArguments, MESSAGES >= 1000 ? 4 * AT_ONCE : 12, 5).map((args) =>
          updateOutcome(handle.executeUpdate('submitSecret', { args: args as [unknown] })),
        ),
      );
      const afterBurst = await settled(handle);
      const byBurst = afterBurst.slice(afterUpdates.length).map((e) => EventType[e.eventType!]);
      console.log(
        `[fuzz] submitSecret ×${burst.length} at once: ${JSON.stringify(count(burst))}, events ${JSON.stringify(count(byBurst))}`,
      );
      expect(burst.filter((o) => !['rejected', 'server-limit', 'aborted'].includes(o))).toEqual([]);
      expect(byBurst.filter((type) => !WORKFLOW_TASK_EVENTS.has(type))).toEqual([]);

      lap('burst');
      // Queries: `linkState` of links nobody was sent, `status` with arguments it does not take.
      const asked = draw(junkArguments, MESSAGES, 3);
      await flood(asked, async (args) => {
        expect(await handle.query('linkState', ...(args as never[]))).toEqual({ status: 'dead', reason: 'unknown' });
        expect(stable(await handle.query('status', ...(args as never[])))).toEqual(stable(status));
      });

      lap('queries');
      // Nothing changed: same stage and counts, the link still works, the right secret completes it.
      const after = await settled(handle);
      expect(after.length).toBe(afterBurst.length);
      const bytes = temporal.api.history.v1.History.encode({ events: after }).finish().length;
      console.log(
        `[fuzz] history: ${after.length} events, ${(bytes / 1024 / 1024).toFixed(1)} MiB, after ${malformed.length + strangers.length} junk signals`,
      );
      expect(failedTasks(after)).toEqual([]);
      expect(stable(await handle.query(statusQuery))).toEqual(stable(status));
      const linkHash = hashLinkSecret(openLinkToken(h.config.linkKey, token)!.secret);
      expect(await handle.query(linkStateQuery, { linkHash })).toMatchObject({ status: 'open', attemptsLeft: status.attemptsLeft });
      expect(await h.renewals.submitSecret('identifier', token, account.password)).toMatchObject({ status: 'completed' });
      expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'completed' });
      expect(failedTasks(await settled(handle))).toEqual([]);
    },
    120_000 + MESSAGES * 300,
  );

  it('takes payloads the data converter cannot decode, as signals, updates and queries, without a failed task', async () => {
    const { account, token, handle, history: before, status } = await waitingRenewal();
    const junk = [...undecodablePayloads(h.config.payloadCodec.keyId), ...strangePayloads];

    for (const { payload } of junk) await rawSignal(handle, requestSignal.name, [payload]);
    for (const { payload } of junk) await rawSignal(handle, requestSignal.name, [payload, payload]);
    const afterSignals = await settled(handle);
    const added = afterSignals.slice(before.length);
    expect(failedTasks(afterSignals), 'a workflow task failed').toEqual([]);
    expect(added.filter((e) => !SIGNAL_EVENTS.has(e.eventType!)).map((e) => EventType[e.eventType!])).toEqual([]);
    expect(added.length).toBeLessThanOrEqual(4 * 2 * junk.length);

    for (const { name, payload } of junk) {
      const outcome = await rawUpdate(handle, 'submitSecret', [payload]);
      expect(outcome?.failure, `submitSecret with ${name}: rejected`).toBeTruthy();
      const answer = await rawQuery(handle, 'linkState', [payload]).catch((err: Error) => err);
      expect(answer, `linkState with ${name}: answered`).not.toBeInstanceOf(Error);
    }
    const after = await settled(handle);
    expect(after.length, 'rejected updates and queries wrote nothing').toBe(afterSignals.length);
    expect(failedTasks(after)).toEqual([]);

    expect(stable(await handle.query(statusQuery))).toEqual(stable(status));
    expect(await h.renewals.submitSecret('identifier', token, account.password)).toMatchObject({ status: 'completed' });
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'completed' });
    expect(failedTasks(await settled(handle))).toEqual([]);
  });

  it('fails the task, loudly, on a ciphertext naming a key this worker does not hold (a key to configure)', async () => {
    const { handle, history: before } = await waitingRenewal();
    await rawSignal(handle, requestSignal.name, [unknownKeyPayload()]);
    const deadline = Date.now() + 30_000;
    let failed: ReturnType<typeof failedTasks> = [];
    while (failed.length === 0 && Date.now() < deadline) {
      failed = failedTasks((await events(handle)).slice(before.length));
      if (failed.length === 0) await sleep(100);
    }
    // The failure's message is encoded (codec/failure-converter.cjs): opened with the codec, it names the key.
    const [attributes] = await new AesGcmCodec(h.config.payloadCodec).decode([failed[0]!.failure!.encodedAttributes as Payload]);
    expect(Buffer.from(attributes!.data!).toString()).toContain('no payload key with ID \\"cle-inconnue\\"');
    await handle.terminate('fuzz: a payload under an unknown key, on purpose');
  });

  it('still expires on time under a flood of junk signals', async () => {
    const LINK_TTL_MS = 6_000;
    const { account, handle, status } = await waitingRenewal(h.clientWithPolicy({ linkTtlMs: LINK_TTL_MS }));
    const junk = undecodablePayloads(h.config.payloadCodec.keyId);
    const deadline = Date.parse(status.deadline!);
    // Junk until the link has expired, and a little after.
    let sent = 0;
    for (const args of draw(junkArguments, MESSAGES, 4)) {
      if (Date.now() > deadline + 1_000) break;
      await handle.signal(requestSignal.name, ...(args as [never]));
      await rawSignal(handle, requestSignal.name, [junk[sent % junk.length]!.payload]);
      sent++;
    }
    expect(await h.outcome(account.workflowId, LINK_TTL_MS + 30_000)).toEqual({ kind: 'identifier', outcome: 'expired' });
    expect(failedTasks(await settled(handle))).toEqual([]);
  });
  it('resendLink with arguments it does not take: still bounded by the hourly allowance, and the renewal completes', async () => {
    const { account, handle, history: before } = await waitingRenewal();
    const calls = draw(junkArguments, 12, 7);
    const results: string[] = [];
    for (const args of calls) results.push(await updateOutcome(handle.executeUpdate('resendLink', { args: args as [unknown] })));
    const after = await settled(handle);
    console.log(
      `[fuzz] resendLink ×${calls.length} with junk arguments: ${JSON.stringify(count(results))}, ${after.length - before.length} events`,
    );
    expect(failedTasks(after)).toEqual([]);
    const status = await handle.query(statusQuery);
    expect(status.linksSent).toBeLessThanOrEqual(h.config.renewal.maxLinkEmailsPerHour);
    // Each resend that was sent superseded the previous link: the newest one completes the renewal.
    const newest = await h.linkToken(account.email, status.linksSent);
    expect(await h.renewals.submitSecret('identifier', newest, account.password)).toMatchObject({ status: 'completed' });
  });
});

/** Gaps the fuzz found in the workflow and its activities (docs/fuzzing.md), now fixed. Each cleans its renewal up. */
describe('gaps found by the fuzz, fixed', () => {
  it('a `cancel` with malformed arguments is dropped rather than obeyed', async () => {
    const { handle, status } = await waitingRenewal();
    try {
      const junk = draw(junkArguments, 40, 8).filter((args) => typeof (args[0] as { reason?: unknown } | null)?.reason !== 'string');
      for (const args of junk.slice(0, 10)) await handle.signal(cancelSignal.name, ...(args as [never]));
      await settled(handle);
      expect(stable(await handle.query(statusQuery))).toEqual(stable(status));
    } finally {
      await handle.terminate('fuzz: done').catch(() => undefined);
    }
  });

  it('a `resendLink` with arguments it does not take is rejected by a validator, and writes nothing', async () => {
    const { handle, history: before } = await waitingRenewal();
    try {
      const results = [];
      const junk = draw(junkArguments, 12, 9).filter((args) => args.length > 0); // none: what a resend takes
      for (const args of junk.slice(0, 3))
        results.push(await updateOutcome(handle.executeUpdate('resendLink', { args: args as [unknown] })));
      expect(results).toEqual(['rejected', 'rejected', 'rejected']);
      expect((await settled(handle)).length).toBe(before.length);
    } finally {
      await handle.terminate('fuzz: done').catch(() => undefined);
    }
  });

  it('a well-formed submission for the current link whose sealed secret cannot be opened is answered, and costs no attempt', async () => {
    const { handle, token, status } = await waitingRenewal();
    try {
      const linkHash = hashLinkSecret(openLinkToken(h.config.linkKey, token)!.secret);
      const answer = await updateOutcome(
        h.client.withDeadline(Date.now() + 20_000, () =>
          handle.executeUpdate('submitSecret', { args: [{ linkHash, kind: 'identifier', sealedSecret: 'sf1:cle:AAAA' }] }),
        ),
      );
      expect(answer).toBe('rejected'); // the update reports the failure (UnopenableSecret), retried by nobody
      expect(stable(await handle.query(statusQuery))).toEqual(stable(status));
      expect(failedTasks(await settled(handle))).toEqual([]);
    } finally {
      await handle.terminate('fuzz: done').catch(() => undefined);
    }
  });
});
