/** The two credentials a citizen may renew; one workflow ID per account covers both (never two at once). */
export const RENEWAL_KINDS = ['identifier', 'password'] as const;
export type RenewalKind = (typeof RENEWAL_KINDS)[number];
