import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes an operator filters on in the Temporal UI. The embedded dev server registers
 * them at start (see dev/stack/); a production cluster registers them once (docs/operators.md).
 */
export const RenewalKind = defineSearchAttributeKey('RenewalKind', SearchAttributeType.KEYWORD);
export const RenewalStage = defineSearchAttributeKey('RenewalStage', SearchAttributeType.KEYWORD);
export const RenewalStageSince = defineSearchAttributeKey('RenewalStageSince', SearchAttributeType.DATETIME);
/** Until when the current stage lasts: the link's expiry, or the end of the waiting period. */
export const RenewalDeadline = defineSearchAttributeKey('RenewalDeadline', SearchAttributeType.DATETIME);
/** How the attempt ended, once it has: `locked`, `completed`… */
export const RenewalOutcome = defineSearchAttributeKey('RenewalOutcome', SearchAttributeType.KEYWORD);
/** Lock-outs of the account within the lock-out window: operators find accounts under attack. */
export const RenewalLockouts = defineSearchAttributeKey('RenewalLockouts', SearchAttributeType.INT);

export const renewalSearchAttributes = [RenewalKind, RenewalStage, RenewalStageSince, RenewalDeadline, RenewalOutcome, RenewalLockouts];
