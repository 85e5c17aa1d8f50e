/**
 * What an operator does to renewals, beside what the Temporal UI shows: find the stuck ones with a
 * visibility query on the search attributes the workflow upserts, read one, cancel it, resend its
 * link, export its history as a replay case. The ops command line (ops/cli.ts) is a thin shell
 * over these functions.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcDeadlineError,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import type { PayloadCodec, TypedSearchAttributes } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { decodedHistoryJson } from '../codec/decode-history.js';
import {
  RENEWAL_KINDS,
  RENEWAL_OUTCOMES,
  RENEWAL_STAGES,
  RENEWAL_WORKFLOW_TYPE,
  type RenewalKind,
  type RenewalOutcome,
  type RenewalStage,
  type RenewalStatus,
} from '../workflows/definitions.js';
import {
  RENEWAL_WORKFLOW_TYPE as LEGACY_WORKFLOW_TYPE,
  statusQuery as legacyStatusQuery,
  type RenewalStage as LegacyRenewalStage,
  type RenewalStatus as LegacyRenewalStatus,
} from '../workflows/legacy/definitions.js';
import {
  RenewalDeadline,
  RenewalKind as RenewalKindKey,
  RenewalLockouts,
  RenewalOutcome as RenewalOutcomeKey,
  RenewalStage as RenewalStageKey,
  RenewalStageSince,
} from '../workflows/search-attributes.js';
import type { RenewalOperations } from '../client/operations.js';

export const isRenewalStage = (value: string): value is RenewalStage => (RENEWAL_STAGES as readonly string[]).includes(value);
const isRenewalOutcome = (value: string): value is RenewalOutcome => (RENEWAL_OUTCOMES as readonly string[]).includes(value);
const isRenewalKind = (value: string): value is RenewalKind => (RENEWAL_KINDS as readonly string[]).includes(value);

/** A stage as either workflow type upserts it: runs of the legacy type still show in lists until they are gone. */
export type ListedStage = RenewalStage | LegacyRenewalStage;

/**
 * Both types: runs of the legacy type (workflows/legacy/) started before the new one was deployed
 * and finish on their own code, and they can be stuck too. They share the search attributes.
 */
const TYPE_CLAUSE = `WorkflowType IN ('${RENEWAL_WORKFLOW_TYPE}', '${LEGACY_WORKFLOW_TYPE}')`;

/** A workflow ID as this service makes them (domain/renewal-id.ts), or one typed by hand. */
const WORKFLOW_ID = /^[A-Za-z0-9._:-]{1,200}$/;

export interface RenewalQuery {
  stage?: RenewalStage;
  /** Only renewals whose stage began before this instant. */
  stageSinceBefore?: Date;
  /** Only renewals whose deadline (link expiry, end of the waiting period) is before this instant. */
  deadlineBefore?: Date;
  outcome?: RenewalOutcome;
  /** Only accounts with at least this many lock-outs within the lock-out window. */
  minLockouts?: number;
  running?: boolean;
  workflowId?: string;
}

/**
 * A visibility list query, e.g. `WorkflowType IN ('credentialRenewalWorkflow', 'renewalWorkflow')
 * AND RenewalStage = 'waiting-for-link' AND RenewalStageSince < '2025-11-27T12:00:00.000Z' AND
 * ExecutionStatus = 'Running'`. Every value comes from a closed set or is checked, so nothing
 * typed can change the query's meaning.
 */
export function renewalQuery({ stage, stageSinceBefore, deadlineBefore, outcome, minLockouts, running, workflowId }: RenewalQuery): string {
  const clauses = [TYPE_CLAUSE];
  if (workflowId !== undefined) {
    if (!WORKFLOW_ID.test(workflowId)) throw new Error(`invalid workflow ID "${workflowId}"`);
    clauses.push(`WorkflowId = '${workflowId}'`);
  }
  if (stage !== undefined) {
    if (!isRenewalStage(stage)) throw new Error(`unknown stage "${stage}"`);
    clauses.push(`RenewalStage = '${stage}'`);
  }
  if (stageSinceBefore !== undefined) clauses.push(`RenewalStageSince < '${stageSinceBefore.toISOString()}'`);
  if (deadlineBefore !== undefined) clauses.push(`RenewalDeadline < '${deadlineBefore.toISOString()}'`);
  if (outcome !== undefined) {
    if (!isRenewalOutcome(outcome)) throw new Error(`unknown outcome "${outcome}"`);
    clauses.push(`RenewalOutcome = '${outcome}'`);
  }
  if (minLockouts !== undefined) {
    if (!Number.isInteger(minLockouts) || minLockouts < 0) throw new Error(`invalid lock-out count "${minLockouts}"`);
    clauses.push(`RenewalLockouts >= ${minLockouts}`);
  }
  if (running) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/**
 * Running renewals that have not moved for `olderThanMs` when they should have. A run in
 * 'cooling-down' waits on purpose until its deadline (the end of its waiting period): it counts
 * only once that deadline is `olderThanMs` past, i.e. its timer did not fire. Without a stage, also
 * those no worker ever picked up: they carry no stage attributes yet, so their start time counts.
 */
export function stuckRenewalsQuery({ stage, olderThanMs, now = new Date() }: { stage?: RenewalStage; olderThanMs: number; now?: Date }) {
  const before = new Date(now.getTime() - olderThanMs);
  if (stage === 'cooling-down') return renewalQuery({ stage, deadlineBefore: before, running: true });
  if (stage !== undefined) return renewalQuery({ stage, stageSinceBefore: before, running: true });
  const since = `'${before.toISOString()}'`;
  return [
    TYPE_CLAUSE,
    `((RenewalStage != 'cooling-down' AND RenewalStageSince < ${since})` +
      ` OR (RenewalStage = 'cooling-down' AND RenewalDeadline < ${since})` +
      ` OR (RenewalStageSince IS NULL AND StartTime < ${since}))`,
    `ExecutionStatus = 'Running'`,
  ].join(' AND ');
}

export interface RenewalListItem {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** A run of the legacy type (workflows/legacy/): its stages and status differ. */
  legacy: boolean;
  execution: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
  kind?: RenewalKind;
  stage?: ListedStage;
  stageSince?: Date;
  /** The link's expiry while waiting for it, the end of the waiting period while cooling down. */
  deadline?: Date;
  outcome?: RenewalOutcome;
  /** The account's lock-outs within the lock-out window, as of the run's last change. */
  lockouts?: number;
}

function listItem(
  info: {
    workflowId: string;
    runId: string;
    type: string;
    startTime: Date;
    closeTime?: Date;
    typedSearchAttributes: TypedSearchAttributes;
  },
  execution: WorkflowExecutionStatusName,
): RenewalListItem {
  const attributes = info.typedSearchAttributes;
  const legacy = info.type === LEGACY_WORKFLOW_TYPE;
  const stage = attributes.get(RenewalStageKey);
  const kind = attributes.get(RenewalKindKey);
  const outcome = attributes.get(RenewalOutcomeKey);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.type,
    legacy,
    execution,
    startTime: info.startTime,
    closeTime: info.closeTime,
    kind: kind !== undefined && isRenewalKind(kind) ? kind : undefined,
    // The legacy code is frozen: its stages are the ones it always wrote (workflows/legacy/definitions.ts).
    stage: stage === undefined ? undefined : legacy ? (stage as LegacyRenewalStage) : isRenewalStage(stage) ? stage : undefined,
    stageSince: attributes.get(RenewalStageSince),
    deadline: attributes.get(RenewalDeadline),
    outcome: outcome !== undefined && isRenewalOutcome(outcome) ? outcome : undefined,
    lockouts: attributes.get(RenewalLockouts),
  };
}

/** Runs a visibility list query; the oldest stage first (SQL visibility cannot ORDER BY). */
export async function listRenewals(client: Client, query: string, limit = 100): Promise<RenewalListItem[]> {
  const items: RenewalListItem[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    items.push(listItem(info, info.status.name));
    if (items.length >= limit) break;
  }
  const since = (item: RenewalListItem) => (item.stageSince ?? item.startTime).getTime();
  return items.sort((a, b) => since(a) - since(b));
}

export type RenewalTarget = { workflowId: string } | { numic: string };

type Found = RenewalListItem & { status: 'found'; summary?: string };

/** `live` is the workflow's own answer to its `status` query; absent when no worker answered in time. */
export type OperatorStatus =
  | { status: 'not-found'; workflowId: string }
  | (Found & { legacy: false; live?: RenewalStatus })
  | (Found & { legacy: true; live?: LegacyRenewalStatus });

/**
 * Stages at which a cancel changes nothing any more: the credential is being changed or the run
 * is finishing (both types drop a cancel there). The ops tool says so instead of sending it.
 */
const TOO_LATE_TO_CANCEL: readonly ListedStage[] = ['changing', 'assigning', 'notifying', 'closed'];

export type CancelOutcome =
  /** `stage` as it was when the signal went: during 'cooling-down' a cancel lifts the waiting period. */
  | { status: 'cancel-requested'; workflowId: string; stage?: ListedStage }
  | { status: 'too-late'; workflowId: string; stage: ListedStage }
  | { status: 'not-found'; workflowId: string }
  | { status: 'not-running'; workflowId: string; execution: WorkflowExecutionStatusName };

export type ResendOutcome =
  | { status: 'sent'; workflowId: string }
  /** No worker took the update in time: it may still be carried out when one comes back. */
  | { status: 'no-answer'; workflowId: string }
  | { status: 'refused'; workflowId: string; reason: 'rate-limited' | 'not-waiting' }
  | { status: 'not-found'; workflowId: string }
  | { status: 'not-running'; workflowId: string; execution: WorkflowExecutionStatusName };

export interface ExportHistoryOptions {
  workflowId: string;
  runId?: string;
  /** The replay case's name: the file is `<directory>/<name>.json`. */
  name: string;
  directory: string;
  /** Decodes payloads so the case replays with any key; without it the file keeps the ciphertext. */
  codec?: PayloadCodec;
  overwrite?: boolean;
}

export type ExportOutcome =
  | { status: 'written'; path: string; events: number; execution: WorkflowExecutionStatusName; decoded: boolean }
  | { status: 'not-found'; workflowId: string }
  | { status: 'exists'; path: string };

export const CASE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_REASON_LENGTH = 500;

export interface OperatorToolsOptions {
  client: Client;
  renewals: Pick<RenewalOperations, 'workflowIdFor' | 'status' | 'cancel' | 'resendLink'>;
  /** How long `status` waits for a worker to answer the query before reporting without it. */
  queryTimeoutMs?: number;
  /** How long `resend` waits for a worker to carry out the update. */
  updateTimeoutMs?: number;
}

export function createOperatorTools({ client, renewals, queryTimeoutMs = 5_000, updateTimeoutMs = 30_000 }: OperatorToolsOptions) {
  const workflowIdOf = (target: RenewalTarget) => ('workflowId' in target ? target.workflowId : renewals.workflowIdFor(target.numic));

  /** The latest run as the server knows it: answers even when no worker runs. */
  async function describe(workflowId: string) {
    try {
      return await client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return {
    workflowIdOf,

    async listStuck({
      stage,
      olderThanMs,
      limit = 100,
      now = new Date(),
    }: {
      stage?: RenewalStage;
      olderThanMs: number;
      limit?: number;
      now?: Date;
    }) {
      const query = stuckRenewalsQuery({ stage, olderThanMs, now });
      return { query, renewals: await listRenewals(client, query, limit) };
    },

    async status(target: RenewalTarget): Promise<OperatorStatus> {
      const workflowId = workflowIdOf(target);
      const description = await describe(workflowId);
      if (!description) return { status: 'not-found', workflowId };
      const found = {
        ...listItem(description, description.status.name),
        status: 'found' as const,
        summary: await description.staticSummary().catch(() => undefined),
      };
      // A stuck renewal often means no worker: the query is bounded, the description is not lost.
      const bounded = <T>(query: () => Promise<T>) => client.withDeadline(Date.now() + queryTimeoutMs, query).catch(() => undefined);
      if (found.legacy) {
        const live = await bounded(() => client.workflow.getHandle(workflowId).query(legacyStatusQuery));
        return { ...found, legacy: true, live };
      }
      const answer = await bounded(() => renewals.status(workflowId));
      return { ...found, legacy: false, live: answer?.status === 'found' ? stripStatus(answer) : undefined };
    },

    async cancel(target: RenewalTarget, reason: string): Promise<CancelOutcome> {
      const trimmed = reason.trim();
      if (!trimmed) throw new Error('a reason is required');
      if (trimmed.length > MAX_REASON_LENGTH) throw new Error(`the reason must be at most ${MAX_REASON_LENGTH} characters`);
      const workflowId = workflowIdOf(target);
      const description = await describe(workflowId);
      if (!description) return { status: 'not-found', workflowId };
      if (description.status.name !== 'RUNNING') return { status: 'not-running', workflowId, execution: description.status.name };
      const { stage } = listItem(description, description.status.name);
      if (stage !== undefined && TOO_LATE_TO_CANCEL.includes(stage)) return { status: 'too-late', workflowId, stage };
      const result = await renewals.cancel(workflowId, trimmed);
      return result.status === 'cancel-requested' ? { ...result, workflowId, stage } : { ...result, workflowId };
    },

    async resend(target: RenewalTarget): Promise<ResendOutcome> {
      const workflowId = workflowIdOf(target);
      const description = await describe(workflowId);
      if (!description) return { status: 'not-found', workflowId };
      if (description.status.name !== 'RUNNING') return { status: 'not-running', workflowId, execution: description.status.name };
      try {
        const result = await client.withDeadline(Date.now() + updateTimeoutMs, () => renewals.resendLink(workflowId));
        return { ...result, workflowId };
      } catch (err) {
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) return { status: 'no-answer', workflowId };
        throw err;
      }
    },

    async exportHistory({ workflowId, runId, name, directory, codec, overwrite = false }: ExportHistoryOptions): Promise<ExportOutcome> {
      if (!CASE_NAME.test(name)) throw new Error(`invalid case name "${name}": lowercase letters, digits and dashes`);
      const path = join(directory, `${name}.json`);
      if (!overwrite && existsSync(path)) return { status: 'exists', path };
      const handle = client.workflow.getHandle(workflowId, runId);
      let description;
      try {
        description = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'not-found', workflowId };
        throw err;
      }
      const history = await client.workflow.getHandle(workflowId, description.runId).fetchHistory();
      const json = codec ? await decodedHistoryJson(history, codec) : historyToJSON(history);
      await mkdir(directory, { recursive: true });
      await writeFile(path, `${json}\n`, 'utf8');
      return {
        status: 'written',
        path,
        events: history.events?.length ?? 0,
        execution: description.status.name,
        decoded: codec !== undefined,
      };
    },
  };
}

function stripStatus({ status: _found, ...rest }: { status: 'found' } & RenewalStatus): RenewalStatus {
  return rest;
}

export type OperatorTools = ReturnType<typeof createOperatorTools>;
