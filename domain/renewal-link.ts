/**
 * The renewal link: `<public base URL>/identifiant-perdu/lien/<token>`, where the token is
 * `<workflow ID>.<run ID>.<secret>`. The workflow ID is derived from a keyed hash of the
 * NUMIC (client/renewal-id.ts), so the link carries neither NUMIC nor email in clear.
 */
export const LINK_PATH = '/identifiant-perdu/lien/';

export interface LinkToken {
  workflowId: string;
  runId: string;
  secret: string;
}

const TOKEN_PATTERN = /^([a-z0-9-]{1,80})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export function formatLinkToken({ workflowId, runId, secret }: LinkToken): string {
  return `${workflowId}.${runId}.${secret}`;
}

export function parseLinkToken(token: string): LinkToken | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  return { workflowId: match[1]!, runId: match[2]!, secret: match[3]! };
}

export function linkUrl(publicBaseUrl: string, token: LinkToken): string {
  return `${publicBaseUrl}${LINK_PATH}${formatLinkToken(token)}`;
}
