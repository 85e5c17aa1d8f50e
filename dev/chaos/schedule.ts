/**
 * The run's plan, drawn from its seed: when each fault is injected and for how long, and for each
 * citizen the kind of renewal, when it starts and how long it takes to open its email. The outages
 * come one after the other in a drawn order with drawn gaps (each one's effects can be told
 * apart); the worker kills fall at drawn moments anywhere in the window, over the outages too.
 * Renewals start spread over the same window, so that every fault meets renewals in flight.
 */
import type { RenewalKind } from '../../workflows/definitions.js';
import { SeededRandom } from './random.js';

export const FAULT_KINDS = ['worker-kill', 'temporal-restart', 'registry-outage', 'mailpit-outage', 'sms-outage', 'web-kill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_WORDS: Record<FaultKind, string> = {
  'worker-kill': 'worker killed (SIGKILL)',
  'temporal-restart': 'Temporal dev server stopped, then restarted',
  'registry-outage': 'registry server stopped',
  'mailpit-outage': 'Mailpit stopped',
  'sms-outage': 'SMS gateway answering 503',
  'web-kill': 'web instance killed (SIGKILL)',
};

export interface PlannedFault {
  kind: FaultKind;
  /** Not before this, from the start of the drive (an earlier fault that recovers late pushes it back). */
  atMs: number;
  /** How long the server stays down (0 for a kill: the stack's supervision restarts at once). */
  downMs: number;
  /** The process it hits: worker-1, web-2, temporal... */
  target: string;
}

export interface CitizenPlan {
  index: number;
  kind: RenewalKind;
  /** Not before this, from the start of the drive. */
  startAtMs: number;
  /** From the link email's arrival to the click on its link. */
  readMs: number;
}

export interface Plan {
  seed: number;
  small: boolean;
  /** The renewals start within it; the last planned fault begins before its end. */
  windowMs: number;
  faults: PlannedFault[];
  citizens: CitizenPlan[];
}

interface Profile {
  leadInMs: number;
  gapMs: [number, number];
  /** Time for a server or instance to come back, counted in the plan before the next outage. */
  recoveryMs: number;
  workerKills: number;
  down: Record<Exclude<FaultKind, 'worker-kill' | 'web-kill'>, number>;
  readMs: [number, number];
}

const FULL: Profile = {
  leadInMs: 20_000,
  gapMs: [15_000, 30_000],
  recoveryMs: 10_000,
  workerKills: 5,
  down: { 'temporal-restart': 20_000, 'registry-outage': 30_000, 'mailpit-outage': 60_000, 'sms-outage': 30_000 },
  readMs: [300, 3_000],
};

const SMALL: Profile = {
  leadInMs: 5_000,
  gapMs: [2_000, 4_000],
  recoveryMs: 3_000,
  workerKills: 1,
  down: { 'temporal-restart': 4_000, 'registry-outage': 5_000, 'mailpit-outage': 6_000, 'sms-outage': 5_000 },
  readMs: [100, 800],
};

export interface PlanInputs {
  seed: number;
  small: boolean;
  renewals: number;
  workers: string[];
  webInstances: string[];
  registry: string;
}

export function drawPlan({ seed, small, renewals, workers, webInstances, registry }: PlanInputs): Plan {
  const profile = small ? SMALL : FULL;
  const random = new SeededRandom(seed);
  const faults: PlannedFault[] = [];

  const outages: { kind: FaultKind; downMs: number; target: string }[] = [
    { kind: 'temporal-restart', downMs: profile.down['temporal-restart'], target: 'temporal' },
    { kind: 'registry-outage', downMs: profile.down['registry-outage'], target: registry },
    { kind: 'mailpit-outage', downMs: profile.down['mailpit-outage'], target: 'mailpit' },
    { kind: 'sms-outage', downMs: profile.down['sms-outage'], target: 'sms-gateway' },
    { kind: 'web-kill', downMs: 0, target: random.pick(webInstances) },
  ];
  let at = profile.leadInMs;
  for (const outage of random.shuffle(outages)) {
    faults.push({ ...outage, atMs: Math.round(at) });
    at += outage.downMs + profile.recoveryMs + random.between(...profile.gapMs);
  }
  const windowMs = Math.round(at);

  // Worker kills anywhere after the lead-in, at least 10 s apart (or evenly spread when they cannot be).
  const kills = Array.from({ length: profile.workerKills }, () => random.between(profile.leadInMs, windowMs)).sort((a, b) => a - b);
  const spacing = Math.min(10_000, (windowMs - profile.leadInMs) / (profile.workerKills + 1));
  for (let i = 1; i < kills.length; i++) kills[i] = Math.max(kills[i]!, kills[i - 1]! + spacing);
  for (const killAt of kills) faults.push({ kind: 'worker-kill', atMs: Math.round(killAt), downMs: 0, target: random.pick(workers) });
  faults.sort((a, b) => a.atMs - b.atMs);

  // Starts spread evenly over the window, each drawn within its own slot.
  const slot = windowMs / renewals;
  const citizens: CitizenPlan[] = Array.from({ length: renewals }, (_, index) => ({
    index,
    kind: random.next() < 0.5 ? 'identifier' : 'password',
    startAtMs: Math.round(index * slot + random.between(0, slot)),
    readMs: Math.round(random.between(...profile.readMs)),
  }));
  return { seed, small, windowMs, faults, citizens };
}
