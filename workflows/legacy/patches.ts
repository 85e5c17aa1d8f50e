// Frozen with workflows/legacy/renewal-v1.ts (see there): the shapes and words its recorded runs use.
/**
 * The workflow's patches (`patched()`), one per change that recorded runs would not replay. When no
 * run started before a patch remains, `deprecatePatch()` replaces it, then it goes.
 */
export const PATCHES = {
  /** findAccount, verifyPassword and assignNewIdentifier became local activities. */
  localChecks: 'local-lookup-and-password-checks',
  /** notifyIdentifierChanged sends both notices instead of one activity per channel. */
  singleNotice: 'single-notice-activity',
} as const;
