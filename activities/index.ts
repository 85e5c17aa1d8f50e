/**
 * The renewal's side effects, built from their dependencies so tests pass real ones (the registry,
 * Mailpit, a scratch SMS outbox) without module mocking. The worker registers them all.
 */
import { accountActivities } from './accounts.js';
import type { ActivityDependencies } from './dependencies.js';
import { legacyActivities } from './legacy.js';
import { messageActivities } from './messages.js';

export type { ActivityDependencies } from './dependencies.js';

export function createActivities(deps: ActivityDependencies) {
  const { requireAccount, ...accounts } = accountActivities(deps);
  return {
    ...accounts,
    ...messageActivities(deps, requireAccount),
    ...legacyActivities(deps, { requireAccount, ...accounts }),
  };
}

export type RenewalActivities = ReturnType<typeof createActivities>;
