import { createHash, randomBytes } from 'node:crypto';

/**
 * A renewal link is `<base>/renouvellement/lien/<ref>.<secret>`: `ref` locates the run (no NUMIC,
 * no email), `secret` proves the citizen read the email. Only the secret's hash is kept anywhere.
 */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
