/**
 * A renewal run's state, as one typed union, and its named transitions. Every state the run can be
 * in is here with what it holds; a transition the story does not allow throws, so a mistake shows
 * as a failed workflow task (retried after a fix), never as a silently wrong renewal.
 * Pure and deterministic: unit-tested without Temporal (test/unit/renewal-state.test.ts).
 */
import type { CompletedChange, RenewalKind, RenewalOutcome, RenewalStage } from './definitions.js';

export type RenewalState =
  | { stage: 'looking-up'; kind: RenewalKind }
  | { stage: 'waiting-for-link'; kind: RenewalKind; accountId: string; accountEmail: string }
  | { stage: 'changing'; kind: RenewalKind; accountId: string }
  | { stage: 'notifying'; kind: RenewalKind; accountId: string; change: CompletedChange }
  /** The attempt is over; the run stays open while the account's memory matters (account-memory.ts). */
  | { stage: 'cooling-down'; kind: RenewalKind; outcome: RenewalOutcome; until: number }
  | { stage: 'closed'; kind: RenewalKind; outcome: RenewalOutcome };

export type RenewalEvent =
  | { type: 'account-found'; accountId: string; accountEmail: string }
  | { type: 'secret-accepted' }
  | { type: 'changed'; change: CompletedChange }
  /** The attempt ends; `until` keeps the run open (cooling-down) while the memory matters. */
  | { type: 'ended'; outcome: RenewalOutcome; until?: number }
  /** Something new to remember (a notice sent while resting): the run rests longer. */
  | { type: 'rest-extended'; until: number }
  /** The waiting period is over (or an operator lifted it). */
  | { type: 'rested' };

/** Which attempt outcomes each stage may end with. */
const ENDINGS: Partial<Record<RenewalStage, readonly RenewalOutcome[]>> = {
  'looking-up': ['no-match', 'cancelled'],
  'waiting-for-link': ['expired', 'locked', 'cancelled'],
  notifying: ['completed'],
};

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';
  constructor(state: RenewalState, event: RenewalEvent) {
    super(`no transition from ${state.stage} on ${event.type}${event.type === 'ended' ? ` (${event.outcome})` : ''}`);
  }
}

export const initialState = (kind: RenewalKind): RenewalState => ({ stage: 'looking-up', kind });

export function transition(state: RenewalState, event: RenewalEvent): RenewalState {
  const { kind } = state;
  switch (event.type) {
    case 'account-found':
      if (state.stage === 'looking-up')
        return { stage: 'waiting-for-link', kind, accountId: event.accountId, accountEmail: event.accountEmail };
      break;
    case 'secret-accepted':
      if (state.stage === 'waiting-for-link') return { stage: 'changing', kind, accountId: state.accountId };
      break;
    case 'changed':
      if (state.stage === 'changing') return { stage: 'notifying', kind, accountId: state.accountId, change: event.change };
      break;
    case 'ended':
      if (ENDINGS[state.stage]?.includes(event.outcome)) {
        return event.until === undefined
          ? { stage: 'closed', kind, outcome: event.outcome }
          : { stage: 'cooling-down', kind, outcome: event.outcome, until: event.until };
      }
      break;
    case 'rest-extended':
      if (state.stage === 'cooling-down') return { ...state, until: Math.max(state.until, event.until) };
      break;
    case 'rested':
      if (state.stage === 'cooling-down') return { stage: 'closed', kind, outcome: state.outcome };
      break;
  }
  throw new IllegalTransition(state, event);
}

/** The attempt's outcome once it has one. */
export const outcomeOf = (state: RenewalState): RenewalOutcome | undefined =>
  state.stage === 'cooling-down' || state.stage === 'closed' ? state.outcome : undefined;

/** Whether the attempt is still open to the citizen's link (a secret may still be submitted). */
export const isWaitingForLink = (state: RenewalState): state is Extract<RenewalState, { stage: 'waiting-for-link' }> =>
  state.stage === 'waiting-for-link';
