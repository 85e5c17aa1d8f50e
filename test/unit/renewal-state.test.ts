/** The renewal's states and named transitions, and the account's memory, without Temporal. */
import { describe, expect, it } from 'vitest';
import { AccountMemory } from '../../workflows/account-memory.js';
import { describeState } from '../../workflows/details.js';
import { RENEWAL_OUTCOMES, RENEWAL_STAGES, type RenewalPolicy } from '../../workflows/definitions.js';
import { IllegalTransition, initialState, transition, type RenewalEvent, type RenewalState } from '../../workflows/renewal-state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy: RenewalPolicy = {
  linkTtlMs: HOUR,
  maxSecretAttempts: 3,
  maxLinkEmailsPerHour: 3,
  lockoutLimit: 3,
  lockoutWindowMs: DAY,
  lockoutRefusalMs: DAY,
  cooldownMs: DAY,
};

const found: RenewalEvent = { type: 'account-found', accountId: 'a1', accountEmail: 'x@example.org' };

describe('the renewal’s transitions', () => {
  it('follow the story: look up, wait for the link, change, notify, rest, close', () => {
    let state: RenewalState = initialState('password');
    const stages = [state.stage];
    for (const event of [
      found,
      { type: 'secret-accepted' },
      { type: 'changed', change: { kind: 'password', phoneEnding: '01' } },
      { type: 'ended', outcome: 'completed', until: DAY },
      { type: 'rest-extended', until: 2 * DAY },
      { type: 'rested' },
    ] as RenewalEvent[]) {
      state = transition(state, event);
      stages.push(state.stage);
    }
    expect(stages).toEqual(['looking-up', 'waiting-for-link', 'changing', 'notifying', 'cooling-down', 'cooling-down', 'closed']);
    expect(state).toEqual({ stage: 'closed', kind: 'password', outcome: 'completed' });
  });

  it('end an attempt only with the outcomes its stage allows, resting or closing', () => {
    const waiting = transition(initialState('identifier'), found);
    expect(transition(waiting, { type: 'ended', outcome: 'locked', until: DAY })).toEqual({
      stage: 'cooling-down',
      kind: 'identifier',
      outcome: 'locked',
      until: DAY,
    });
    expect(transition(waiting, { type: 'ended', outcome: 'expired' })).toEqual({ stage: 'closed', kind: 'identifier', outcome: 'expired' });
    expect(transition(initialState('identifier'), { type: 'ended', outcome: 'no-match' }).stage).toBe('closed');
    expect(() => transition(waiting, { type: 'ended', outcome: 'completed' })).toThrow(IllegalTransition);
    expect(() => transition(waiting, { type: 'ended', outcome: 'no-match' })).toThrow(IllegalTransition);
    expect(() => transition(initialState('identifier'), { type: 'ended', outcome: 'locked' })).toThrow(IllegalTransition);
  });

  it('refuse every transition the story does not have', () => {
    const all: RenewalEvent[] = [
      found,
      { type: 'secret-accepted' },
      { type: 'changed', change: { kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' } },
      { type: 'rest-extended', until: DAY },
      { type: 'rested' },
    ];
    const closed: RenewalState = { stage: 'closed', kind: 'identifier', outcome: 'completed' };
    for (const event of all) expect(() => transition(closed, event)).toThrow(IllegalTransition);
    const changing = transition(transition(initialState('identifier'), found), { type: 'secret-accepted' });
    expect(() => transition(changing, found)).toThrow(/no transition from changing on account-found/);
    expect(() => transition(changing, { type: 'ended', outcome: 'cancelled' })).toThrow(IllegalTransition);
  });

  it('give operators words for every stage and outcome', () => {
    for (const stage of RENEWAL_STAGES) {
      for (const outcome of RENEWAL_OUTCOMES) {
        const state = {
          stage,
          kind: 'identifier',
          outcome,
          until: DAY,
          accountId: 'a',
          accountEmail: 'e',
          change: { kind: 'identifier', identifier: 'X' },
        } as RenewalState;
        expect(describeState(state, { linkExpiresAt: HOUR, attemptsLeft: 2, refusedUntil: DAY })).toMatch(/\S/);
      }
    }
    expect(
      describeState(
        { stage: 'waiting-for-link', kind: 'password', accountId: 'a', accountEmail: 'e' },
        { linkExpiresAt: Date.parse('2026-11-27T13:05:00Z'), attemptsLeft: 2 },
      ),
    ).toBe(
      'Renouvellement de mot de passe : lien envoyé par courriel, en attente de l’usager jusqu’au 27/11 à 14:05 (heure de Paris) ; 2 essai(s) restant(s)',
    );
  });
});

describe('the account’s memory', () => {
  it('locks a renewal at the third wrong secret, counting across renewals, and gives fresh tries after a lock-out', () => {
    const memory = new AccountMemory(policy);
    expect(memory.attemptsLeft(0)).toBe(3);
    expect(memory.recordFailure(0)).toBe(false);
    // A new renewal carries the memory: the wrong secret of the previous one still counts.
    const next = new AccountMemory(policy, memory.snapshot(HOUR));
    expect(next.attemptsLeft(HOUR)).toBe(2);
    expect(next.recordFailure(HOUR)).toBe(false);
    expect(next.recordFailure(HOUR)).toBe(true);
    expect(next.lockoutCount(HOUR)).toBe(1);
    expect(next.attemptsLeft(HOUR)).toBe(3);
  });

  it('forgets a wrong secret after the window', () => {
    const memory = new AccountMemory(policy);
    memory.recordFailure(0);
    expect(memory.attemptsLeft(DAY - 1)).toBe(2);
    expect(memory.attemptsLeft(DAY)).toBe(3);
  });

  it('refuses every renewal for 24 h after the third lock-out in 24 h: at most 9 wrong secrets a day', () => {
    const memory = new AccountMemory(policy);
    let checked = 0;
    let t = 0;
    while (!memory.refusal('identifier', t)) {
      memory.recordFailure(t);
      checked++;
      t += HOUR;
    }
    expect(checked).toBe(9);
    const third = t - HOUR;
    expect(memory.refusal('password', third)).toEqual({ reason: 'locked-out', until: third + DAY });
    expect(memory.refusal('identifier', third + DAY - 1)).toMatchObject({ reason: 'locked-out' });
    expect(memory.refusal('identifier', third + DAY)).toBeUndefined();
    expect(memory.rememberUntil(third)).toBe(third + DAY);
  });

  it('after a completion, makes the other kind wait the cooldown, not the same kind', () => {
    const memory = new AccountMemory(policy);
    memory.recordCompletion('identifier', 0);
    expect(memory.refusal('identifier', 1)).toBeUndefined();
    expect(memory.refusal('password', DAY - 1)).toEqual({ reason: 'cooldown', completedKind: 'identifier', until: DAY });
    expect(memory.refusal('password', DAY)).toBeUndefined();
  });

  it('allows 3 emails in any hour, across runs', () => {
    const memory = new AccountMemory(policy);
    expect([0, 1, 2, 3].map((t) => memory.reserveEmail(t * 60_000))).toEqual([true, true, true, false]);
    const next = new AccountMemory(policy, memory.snapshot(10 * 60_000));
    expect(next.reserveEmail(HOUR - 1)).toBe(false);
    expect(next.reserveEmail(HOUR)).toBe(true);
  });

  it('says until when it matters, and nothing once nothing does', () => {
    const memory = new AccountMemory(policy);
    expect(memory.rememberUntil(0)).toBeUndefined();
    memory.reserveEmail(0);
    expect(memory.rememberUntil(0)).toBe(HOUR);
    memory.recordFailure(0);
    expect(memory.rememberUntil(0)).toBe(DAY);
    expect(memory.rememberUntil(DAY)).toBeUndefined();
    expect(memory.snapshot(DAY)).toEqual({ failures: [], lockouts: [], emails: [] });
  });
});
