/**
 * A renewal's round trips, counted from its event history, against the baseline's in the same run:
 * the bench's regression check (a ratio of counts, never a time: it does not move with the machine).
 *
 * Per run (a renewal, or a baseline set), each one a request answered by the Temporal server:
 * - workflow tasks: WorkflowTaskStarted events (a task handed to a worker, then its answer; a
 *   failed or timed-out task counts, it was a round trip too);
 * - activity tasks: the attempts of every (non-local) activity, from ActivityTaskStarted's
 *   `attempt` (a history keeps only an activity's last attempt); local activities run inside a
 *   workflow task and cost no round trip of their own: they are counted apart (markers), not added;
 * - client calls: signals (WorkflowExecutionSignaled: signal-with-start's, which starts the run
 *   too, and any later signal), updates (WorkflowExecutionUpdateAccepted: each accepted
 *   executeUpdate; a rejected one leaves no event) and queries, which leave no event in a history:
 *   counted as the script makes them, one per run on either side (the link page's `linkState`, the
 *   baseline's query; an early link GET's extra asks are timed apart by the bench, not counted).
 */
import proto from '@temporalio/proto'; // CommonJS: a default import works under plain Node ESM

const EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/**
 * A renewal may cost at most this many times the baseline's round trips, in the same run. Today
 * (2026-12-01): 9.0 per renewal (4 workflow tasks, 2 activity tasks, a signal-with-start, an update,
 * a query) against 5.0 per baseline set (2 workflow tasks and the same three calls), 1.80 ×; a
 * workflow task more now and then (an update or an activity's completion arriving while a task
 * runs) moves it by a few hundredths. 2.0 leaves that room and one round trip per renewal more,
 * and no more: one more activity call (its activity task and the workflow task that takes its
 * result, +2) makes 2.2 × and fails, as a change that doubles the cost (3.6 ×) does.
 */
export const ROUND_TRIP_MULTIPLE = 2.0;

/** Queries per run: the script's one on either side (a query leaves no event in a history). */
export const QUERIES_PER_RUN = 1;

export interface RoundTrips {
  /** Runs whose histories were counted. */
  runs: number;
  /** Means per run. */
  workflowTasks: number;
  activityTasks: number;
  signals: number;
  updates: number;
  queries: number;
  /** workflowTasks + activityTasks + signals + updates + queries. */
  total: number;
  /** Not round trips: local activities (markers) and every event of the history, per run. */
  localActivities: number;
  historyEvents: number;
  /** The smallest and largest total of a single run. */
  minTotal: number;
  maxTotal: number;
}

export interface RunRoundTrips {
  workflowTasks: number;
  activityTasks: number;
  signals: number;
  updates: number;
  localActivities: number;
  historyEvents: number;
}

/** One history's counts (queries aside). */
export function countRun(events: HistoryEvent[]): RunRoundTrips {
  const run: RunRoundTrips = {
    workflowTasks: 0,
    activityTasks: 0,
    signals: 0,
    updates: 0,
    localActivities: 0,
    historyEvents: events.length,
  };
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        run.workflowTasks++;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        run.activityTasks += Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        run.signals++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        run.updates++;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        run.localActivities++;
        break;
      default:
    }
  }
  return run;
}

const totalOf = (r: RunRoundTrips, queries: number) => r.workflowTasks + r.activityTasks + r.signals + r.updates + queries;
const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / (xs.length || 1)) * 100) / 100;

/** Means over the runs counted by countRun. */
export function summariseRoundTrips(runs: RunRoundTrips[], queriesPerRun = QUERIES_PER_RUN): RoundTrips {
  const of = (key: keyof RunRoundTrips) => mean(runs.map((r) => r[key]));
  const totals = runs.map((r) => totalOf(r, queriesPerRun));
  return {
    runs: runs.length,
    workflowTasks: of('workflowTasks'),
    activityTasks: of('activityTasks'),
    signals: of('signals'),
    updates: of('updates'),
    queries: runs.length > 0 ? queriesPerRun : 0,
    total: mean(totals),
    localActivities: of('localActivities'),
    historyEvents: of('historyEvents'),
    minTotal: totals.length > 0 ? Math.min(...totals) : 0,
    maxTotal: totals.length > 0 ? Math.max(...totals) : 0,
  };
}

/** The renewal's round trips over the baseline's, to the hundredth. */
export function roundTripRatio(renewal: RoundTrips, baseline: RoundTrips): number {
  return Math.round((renewal.total / baseline.total) * 100) / 100;
}
