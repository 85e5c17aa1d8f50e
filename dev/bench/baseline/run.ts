/**
 * Phase 2: the baseline's round trips through the Temporal client, C clients at a time: per
 * "citizen", signal-with-start (the RPC the request POST makes), a query (as the link GET makes),
 * then an update (as the password POST makes), each awaited before the next, like a citizen's steps.
 */
import type { Client } from '@temporalio/client';
import { runPool, type PoolResult } from '../pool.js';
import type { Timings } from '../stats.js';
import {
  BASELINE_TASK_QUEUE,
  BASELINE_WORKFLOW_TYPE,
  baselineLinkQuery,
  baselineRequestSignal,
  baselineSecretUpdate,
} from './definitions.js';
import type { BaselineReadiness } from './ready.js';

/** The baseline's round trips, named after the renewal steps they stand for. */
export const BASELINE_STEPS = { 'request POST': 'signal-with-start', 'link GET': 'query', 'password POST': 'update' } as const;
/** The wait for the workflow's first task, the baseline's "email wait" (not a round trip). */
export const FIRST_TASK_WAIT = 'first task wait';

/** Workflow ID of the baseline's i-th run (over all rounds). */
export const baselineWorkflowId = (runId: string, i: number) => `bench-baseline-${runId}-${i}`;

export function runBaseline(
  client: Client,
  readiness: BaselineReadiness,
  runId: string,
  offset: number,
  count: number,
  concurrency: number,
  timings: Timings,
  signal?: AbortSignal,
): Promise<PoolResult> {
  return runPool(
    count,
    concurrency,
    async (i) => {
      const n = offset + i;
      const workflowId = baselineWorkflowId(runId, n);
      const handle = await timings.time(BASELINE_STEPS['request POST'], () =>
        client.workflow.signalWithStart(BASELINE_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: BASELINE_TASK_QUEUE,
          args: [],
          signal: baselineRequestSignal,
          signalArgs: [{ email: `b${n}@bench.example.org` }],
        }),
      );
      // A renewal's link GET reaches a workflow that has long run its first task: the email came in
      // between, while the citizen waited. Sent at once, the baseline's query would wait for that
      // task and carry the start's work; it waits for the worker's word instead, as the citizen for
      // the email (the word comes as the task's completion leaves the worker).
      await timings.time(FIRST_TASK_WAIT, () => readiness.ready(workflowId));
      // Arguments shaped like the renewal's: a link hash (64 hex digits), then the hash and a secret.
      const linkHash = 'f'.repeat(64);
      const state = await timings.time(BASELINE_STEPS['link GET'], () => handle.query(baselineLinkQuery, { linkHash }));
      if (state.status !== 'open' || state.requests !== 1) throw new Error(`baseline query answered ${JSON.stringify(state)}`);
      const secret = `Banc-B-${n}-2026`;
      const answer = await timings.time(BASELINE_STEPS['password POST'], () =>
        handle.executeUpdate(baselineSecretUpdate, { args: [{ linkHash, secret }] }),
      );
      if (answer.status !== 'completed' || answer.secret !== secret) throw new Error(`baseline update answered ${JSON.stringify(answer)}`);
    },
    signal,
  );
}
