/**
 * The patches (`patched()`) of credentialRenewalWorkflow, one per change that its recorded runs
 * would not replay. When no run started before a patch remains, `deprecatePatch()` replaces it, then
 * it goes. None yet: test/histories/4-credential-renewal/ are its first recordings. (The legacy
 * type's patches are in workflows/legacy/patches.ts.)
 */
export const PATCHES = {} as const;
