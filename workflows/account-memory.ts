/**
 * What an account's renewals remember from one run to the next: wrong secrets and lock-outs (the
 * lasting bound on guesses), the last completed renewal (the cooldown before the other kind), and
 * the emails sent within the hour (at most `maxLinkEmailsPerHour`, whatever the run).
 * The run that holds this memory stays open while it matters, so the next request reaches it and
 * Temporal's workflow-ID uniqueness keeps enforcing it; continue-as-new carries it to the next run.
 * Pure and deterministic: the workflow passes the time in.
 */
import type { AccountMemoryState, RenewalKind, RenewalPolicy } from './definitions.js';

export type Refusal = { reason: 'locked-out'; until: number } | { reason: 'cooldown'; completedKind: RenewalKind; until: number };

type MemoryPolicy = Pick<
  RenewalPolicy,
  'maxSecretAttempts' | 'maxLinkEmailsPerHour' | 'lockoutLimit' | 'lockoutWindowMs' | 'lockoutRefusalMs' | 'cooldownMs'
>;

const EMAIL_WINDOW_MS = 3_600_000;

export class AccountMemory {
  private failures: number[];
  private lockouts: number[];
  private refusedUntil: number | undefined;
  private lastCompleted: AccountMemoryState['lastCompleted'];
  private emails: number[];

  constructor(
    private readonly policy: MemoryPolicy,
    state: AccountMemoryState = { failures: [], lockouts: [], emails: [] },
  ) {
    this.failures = [...state.failures];
    this.lockouts = [...state.lockouts];
    this.refusedUntil = state.refusedUntil;
    this.lastCompleted = state.lastCompleted;
    this.emails = [...state.emails];
  }

  private withinHour = (now: number) => (t: number) => now - t < EMAIL_WINDOW_MS;

  /** Whether another email may go to the account now. */
  mayEmail(now: number): boolean {
    return this.emails.filter(this.withinHour(now)).length < this.policy.maxLinkEmailsPerHour;
  }

  /** Whether another email may go to the account now, and reserves its place when it may. */
  reserveEmail(now: number): boolean {
    if (!this.mayEmail(now)) return false;
    this.emails = [...this.emails.filter(this.withinHour(now)), now];
    return true;
  }

  private inWindow = (now: number) => (t: number) => now - t < this.policy.lockoutWindowMs;

  /** Wrong secrets still allowed before the renewal in progress locks. */
  attemptsLeft(now: number): number {
    return Math.max(0, this.policy.maxSecretAttempts - this.failures.filter(this.inWindow(now)).length);
  }

  lockoutCount(now: number): number {
    return this.lockouts.filter(this.inWindow(now)).length;
  }

  /** Records a wrong secret; true when it locks the renewal (a lock-out, counted across renewals). */
  recordFailure(now: number): boolean {
    this.failures = [...this.failures.filter(this.inWindow(now)), now];
    if (this.failures.length < this.policy.maxSecretAttempts) return false;
    this.failures = [];
    this.lockouts = [...this.lockouts.filter(this.inWindow(now)), now];
    if (this.lockouts.length >= this.policy.lockoutLimit) this.refusedUntil = now + this.policy.lockoutRefusalMs;
    return true;
  }

  recordCompletion(kind: RenewalKind, now: number): void {
    this.lastCompleted = { kind, at: now };
  }

  /** Why a new renewal of this kind may not start now, if it may not. */
  refusal(kind: RenewalKind, now: number): Refusal | undefined {
    if (this.refusedUntil !== undefined && now < this.refusedUntil) return { reason: 'locked-out', until: this.refusedUntil };
    const completed = this.lastCompleted;
    if (completed && completed.kind !== kind && now < completed.at + this.policy.cooldownMs) {
      return { reason: 'cooldown', completedKind: completed.kind, until: completed.at + this.policy.cooldownMs };
    }
    return undefined;
  }

  /** Until when anything here still matters (the run stays open till then), or undefined once nothing does. */
  rememberUntil(now: number): number | undefined {
    const window = this.policy.lockoutWindowMs;
    const ends = [
      ...this.failures.map((t) => t + window),
      ...this.lockouts.map((t) => t + window),
      this.refusedUntil,
      this.lastCompleted && this.lastCompleted.at + this.policy.cooldownMs,
      ...this.emails.map((t) => t + EMAIL_WINDOW_MS),
    ].filter((t): t is number => t !== undefined && t > now);
    return ends.length > 0 ? Math.max(...ends) : undefined;
  }

  /** What continue-as-new carries: only what still matters. */
  snapshot(now: number): AccountMemoryState {
    const live = this.inWindow(now);
    const completed = this.lastCompleted;
    return {
      failures: this.failures.filter(live),
      lockouts: this.lockouts.filter(live),
      ...(this.refusedUntil !== undefined && this.refusedUntil > now ? { refusedUntil: this.refusedUntil } : {}),
      ...(completed && now < completed.at + this.policy.cooldownMs ? { lastCompleted: completed } : {}),
      emails: this.emails.filter(this.withinHour(now)),
    };
  }
}
