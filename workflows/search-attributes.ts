import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes an operator filters on in the Temporal UI. The embedded dev server registers
 * them at start (see dev/stack/); a production cluster registers them once (README, "Operators").
 */
export const RenewalKind = defineSearchAttributeKey('RenewalKind', SearchAttributeType.KEYWORD);
export const RenewalStage = defineSearchAttributeKey('RenewalStage', SearchAttributeType.KEYWORD);
export const RenewalStageSince = defineSearchAttributeKey('RenewalStageSince', SearchAttributeType.DATETIME);
export const RenewalDeadline = defineSearchAttributeKey('RenewalDeadline', SearchAttributeType.DATETIME);

export const renewalSearchAttributes = [RenewalKind, RenewalStage, RenewalStageSince, RenewalDeadline];
