/**
 * Side effects retry until they succeed: a crashed SMTP server or database delays a renewal, never
 * loses it. Every activity is idempotent or harmless to repeat (see activities/).
 */
export const RETRY_UNTIL_DONE = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
