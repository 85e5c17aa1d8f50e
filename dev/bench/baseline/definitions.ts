/**
 * The baseline: the renewal's three Temporal round trips on a workflow that does nothing else (no
 * activities, default data converter), on its own task queue, served by its own worker process.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export const BASELINE_TASK_QUEUE = 'bench-baseline';
export const BASELINE_WORKFLOW_TYPE = 'baselineWorkflow';

/** Delivered with the start, as the renewal's request signal is (signal-with-start). */
export const baselineRequestSignal = defineSignal<[{ email: string }]>('request');
/** Stands for openLink, then for submitPassword: answers at once. */
export const baselineStepUpdate = defineUpdate<{ step: number }, [{ step: number }]>('step');
