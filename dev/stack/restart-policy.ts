/**
 * How the stack brings back a service that died after it had started (`restart: unless-stopped` in
 * compose terms): after a wait that doubles with each restart in a row, up to a ceiling, and resets
 * once the service has stayed up long enough to count as healthy again.
 */
export interface RestartPolicy {
  /** The wait before the first restart. */
  initialDelayMs: number;
  /** The longest wait, however many restarts in a row. */
  maxDelayMs: number;
  /** Up this long, a service is healthy again: its next crash waits `initialDelayMs` once more. */
  healthyAfterMs: number;
  /** Restarts in a row (each crashing before it is healthy again) after which the stack gives up. */
  maxRestartsInARow: number;
}

/** `npm start`'s: 1, 2, 4, 8, 16, 30, 30, 30 s, then give up (about two minutes of a crash loop). */
export const UNLESS_STOPPED: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  maxRestartsInARow: 8,
};

/** The wait before restart number `inARow` (0 for the first since the service was last healthy). */
export const restartDelay = (policy: RestartPolicy, inARow: number) => Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** inARow);
