/**
 * The bench's regression check counts round trips from histories: a retried activity counts each
 * attempt, a local activity none, and a renewal that costs one activity call more than today
 * crosses the documented multiple (ROUND_TRIP_MULTIPLE), which fails the run.
 */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ROUND_TRIP_MULTIPLE, countRun, roundTripRatio, summariseRoundTrips } from '../../dev/bench/round-trips.js';

const EventType = proto.temporal.api.enums.v1.EventType;
type Event = proto.temporal.api.history.v1.IHistoryEvent;

const workflowTask = (): Event => ({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED });
const activity = (attempt = 1): Event => ({
  eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
  activityTaskStartedEventAttributes: { attempt },
});
const signal = (): Event => ({ eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED });
const update = (): Event => ({ eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED });
const marker = (): Event => ({ eventType: EventType.EVENT_TYPE_MARKER_RECORDED });

/** Today's shapes: a baseline set, and a renewal (4 workflow tasks, 2 activities, local activities apart). */
const baselineSet = () => [signal(), workflowTask(), update(), workflowTask()];
const renewal = (extraActivities = 0) => [
  signal(),
  workflowTask(),
  marker(),
  activity(),
  workflowTask(),
  update(),
  workflowTask(),
  marker(),
  activity(),
  ...Array.from({ length: extraActivities }, () => [activity(), workflowTask()]).flat(),
  workflowTask(),
];

describe('round trips from a history', () => {
  it('counts every attempt of an activity, and no round trip for a local activity', () => {
    expect(countRun([workflowTask(), activity(3), marker(), marker(), workflowTask()])).toEqual({
      workflowTasks: 2,
      activityTasks: 3,
      signals: 0,
      updates: 0,
      localActivities: 2,
      historyEvents: 5,
    });
  });

  it('keeps today’s renewal within the multiple, and fails one that costs an activity call more', () => {
    const baseline = summariseRoundTrips([countRun(baselineSet()), countRun(baselineSet())]);
    expect(baseline).toMatchObject({ runs: 2, total: 5, queries: 1 });
    const today = summariseRoundTrips([countRun(renewal())]);
    expect(today.total).toBe(9);
    expect(roundTripRatio(today, baseline)).toBeLessThanOrEqual(ROUND_TRIP_MULTIPLE);
    const costlier = summariseRoundTrips([countRun(renewal(1))]);
    expect(roundTripRatio(costlier, baseline)).toBeGreaterThan(ROUND_TRIP_MULTIPLE);
  });
});
