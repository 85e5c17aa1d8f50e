import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The secret in a renewal link proves the citizen read the email; only its hash is kept anywhere
 * (the workflow's state). It is drawn from a key only the worker holds and the identity of the one
 * activity that emails it (workflow run and activity ID, stable across retries): a retried email
 * (the SMTP server answered, then the worker died before recording it) carries the same link, so
 * no email the citizen received ever holds a dead link. Without that key the secret cannot be told
 * from 32 random bytes, and the web, which opens tokens, cannot make one.
 */
export function linkSecretFor(
  key: Buffer,
  { workflowId, runId, activityId }: { workflowId: string; runId: string; activityId: string },
): string {
  return createHmac('sha256', key).update(`renewal-link-secret\0${workflowId}\0${runId}\0${activityId}`).digest('base64url');
}

/** A random secret of the same form: the links of the first workflow type (activities/legacy.ts). */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
