/**
 * The token in an emailed link: the workflow and run IDs and the link secret, sealed together
 * under the link key with a fresh nonce (codec/aes-gcm.ts). Nothing in it is stable for an account,
 * so two links of one citizen share no visible part, and it names neither NUMIC nor email. The web
 * opens it to reach the run; the workflow only ever sees the secret's hash.
 *
 * Sealed bytes: `version 1 ‖ account digest (16) ‖ run ID (16, a UUID) ‖ secret (32)`, then
 * base64url: 124 characters.
 */
import { openBytes, sealBytes } from './aes-gcm.js';
import { RENEWAL_ID_PREFIX } from '../domain/renewal-id.js';

export interface LinkTarget {
  workflowId: string;
  runId: string;
  /** base64url of 32 random bytes (domain/link-secret.ts). */
  secret: string;
}

const VERSION = 1;
const ASSOCIATED = Buffer.from('renewal-link-v1');
const WORKFLOW_ID = new RegExp(`^${RENEWAL_ID_PREFIX}([0-9a-f]{32})$`);
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What a token looks like before it is opened: anything else is refused without decrypting. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{124}$/;

export function sealLinkToken(key: Buffer, { workflowId, runId, secret }: LinkTarget): string {
  const account = WORKFLOW_ID.exec(workflowId)?.[1];
  const secretBytes = Buffer.from(secret, 'base64url');
  if (!account || !RUN_ID.test(runId) || secretBytes.length !== 32) throw new Error('not a renewal link target');
  const plain = Buffer.concat([
    Buffer.from([VERSION]),
    Buffer.from(account, 'hex'),
    Buffer.from(runId.replaceAll('-', ''), 'hex'),
    secretBytes,
  ]);
  return sealBytes(key, plain, ASSOCIATED).toString('base64url');
}

/** The link's target, or undefined for a token that was not sealed by this service (or was altered). */
export function openLinkToken(key: Buffer, token: string): LinkTarget | undefined {
  if (!LINK_TOKEN_PATTERN.test(token)) return undefined;
  let plain: Buffer;
  try {
    plain = openBytes(key, Buffer.from(token, 'base64url'), ASSOCIATED);
  } catch {
    return undefined;
  }
  if (plain.length !== 65 || plain[0] !== VERSION) return undefined;
  const run = plain.subarray(17, 33).toString('hex');
  return {
    workflowId: `${RENEWAL_ID_PREFIX}${plain.subarray(1, 17).toString('hex')}`,
    runId: `${run.slice(0, 8)}-${run.slice(8, 12)}-${run.slice(12, 16)}-${run.slice(16, 20)}-${run.slice(20)}`,
    secret: plain.subarray(33).toString('base64url'),
  };
}
