import { createHmac } from 'node:crypto';
import { normaliseNumic } from './account-keys.js';

export const RENEWAL_ID_PREFIX = 'renouvellement-';

/**
 * One workflow ID per account, whatever the kind of renewal (identifier or password): Temporal's
 * ID uniqueness is what forbids two renewals of one account at the same time. The NUMIC is keyed-
 * hashed so it never appears in clear in the Temporal UI or in a link.
 */
export function renewalWorkflowId(numic: string, secret: string): string {
  const digest = createHmac('sha256', secret).update(normaliseNumic(numic)).digest('hex');
  return `${RENEWAL_ID_PREFIX}${digest.slice(0, 32)}`;
}
