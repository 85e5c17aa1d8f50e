/**
 * The baseline: the renewal's three Temporal round trips on a workflow that does nothing else (no
 * activities, default data converter), on its own task queue, served by its own worker process.
 */
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';

export const BASELINE_TASK_QUEUE = 'bench-baseline';
export const BASELINE_WORKFLOW_TYPE = 'baselineWorkflow';

/** Delivered with the start, as the renewal's request signal is (signal-with-start). */
export const baselineRequestSignal = defineSignal<[{ email: string }]>('request');
/** Stands for linkState, the query the link page makes: answers from the workflow's state. */
export const baselineLinkQuery = defineQuery<{ status: 'open'; requests: number }, [{ linkHash: string }]>('linkState');
/** Stands for submitSecret, the update the password POST makes: answers at once. */
export const baselineSecretUpdate = defineUpdate<{ status: 'completed'; secret: string }, [{ linkHash: string; secret: string }]>(
  'submitSecret',
);

/**
 * The baseline's stand-in for the renewal's link email: its worker tells the bench that a
 * workflow's first task has run (a UDP datagram to this port, outside Temporal), as the email
 * tells a citizen that the renewal has reacted to the request.
 */
export const READY_PORT_VARIABLE = 'BENCH_BASELINE_READY_PORT';

export interface BaselineSinks extends Sinks {
  bench: { ready(): void };
}
