/**
 * The link format of the first workflow type (workflows/legacy/): `<workflow ID>.<run ID>.<secret>`
 * under the identifier's link path. Links of runs started before credentialRenewalWorkflow still
 * work through it (client/legacy-renewals.ts); new links are sealed tokens (codec/link-token.ts).
 */
export interface LegacyLinkToken {
  workflowId: string;
  runId: string;
  secret: string;
}

/** The run ID is a UUID as Temporal makes them: anything else was never emailed (and Temporal would refuse it as invalid). */
const LEGACY_TOKEN = /^([a-z0-9-]{1,80})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export const formatLegacyLinkToken = ({ workflowId, runId, secret }: LegacyLinkToken) => `${workflowId}.${runId}.${secret}`;

export function parseLegacyLinkToken(token: string): LegacyLinkToken | undefined {
  const match = LEGACY_TOKEN.exec(token);
  if (!match) return undefined;
  return { workflowId: match[1]!, runId: match[2]!, secret: match[3]! };
}
