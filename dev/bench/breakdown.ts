/**
 * Where a renewal's time goes, read from the event histories of the runs whose attempt has ended (most still open, resting): how
 * long workflow tasks and activities wait in their task queue and how long they run, and how long
 * each update takes inside the workflow (accepted → completed). The rest of an HTTP step's
 * latency is the web process, the client and the server's own round trips.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: a default import works under plain Node ESM
import { countRun, summariseRoundTrips, type RoundTrips, type RunRoundTrips } from './round-trips.js';
import { summarise, type Summary } from './stats.js';

const EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const timeOf = (e: HistoryEvent) => {
  const t = e.eventTime;
  return t ? Number(String(t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN;
};
const idOf = (id: unknown) => String(id ?? '');

export interface Breakdown {
  workflows: number;
  /** Per span (e.g. "activity emailRenewalLink: queue"), ms. */
  spans: Record<string, Summary>;
  /** Workflow tasks per run, on average. */
  workflowTasksPerRun: number;
  /** Round trips per run, counted from the same histories (round-trips.ts). */
  roundTrips: RoundTrips;
}

export async function historyBreakdown(client: Client, workflowIds: string[]): Promise<Breakdown> {
  const spans = new Map<string, number[]>();
  const add = (name: string, ms: number) => {
    if (!Number.isFinite(ms)) return;
    let list = spans.get(name);
    if (!list) spans.set(name, (list = []));
    list.push(ms);
  };
  let workflowTasks = 0;
  let workflows = 0;
  const counted: RunRoundTrips[] = [];

  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const byId = new Map(events.map((e) => [idOf(e.eventId), e]));
    workflows++;
    counted.push(countRun(events));
    // Workflow tasks by their rank in the run (a renewal's: 1 the start, 2 after the link email, 3 the
    // update, 4 after the notices), so that the one that waits shows, and all of them together.
    let rank = 0;
    for (const e of events) {
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
          rank++;
          const scheduled = byId.get(idOf(e.workflowTaskStartedEventAttributes?.scheduledEventId));
          if (scheduled) {
            add('workflow task: queue', timeOf(e) - timeOf(scheduled));
            add(`workflow task ${rank}: queue`, timeOf(e) - timeOf(scheduled));
          }
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
          workflowTasks++;
          const started = byId.get(idOf(e.workflowTaskCompletedEventAttributes?.startedEventId));
          if (started) {
            add('workflow task: run', timeOf(e) - timeOf(started));
            add(`workflow task ${rank}: run`, timeOf(e) - timeOf(started));
          }
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const a = e.activityTaskCompletedEventAttributes;
          const scheduled = byId.get(idOf(a?.scheduledEventId));
          const started = byId.get(idOf(a?.startedEventId));
          const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
          if (scheduled && started) add(`activity ${name}: queue`, timeOf(started) - timeOf(scheduled));
          if (started) add(`activity ${name}: run`, timeOf(e) - timeOf(started));
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
          const accepted = byId.get(idOf(e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId));
          const name = accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '?';
          if (accepted) add(`update ${name}: accepted → completed`, timeOf(e) - timeOf(accepted));
          break;
        }
        default:
      }
    }
  }
  return {
    workflows,
    spans: Object.fromEntries([...spans].sort(([a], [b]) => a.localeCompare(b)).map(([name, xs]) => [name, summarise(xs)])),
    workflowTasksPerRun: Math.round((workflowTasks / (workflows || 1)) * 10) / 10,
    roundTrips: summariseRoundTrips(counted),
  };
}
