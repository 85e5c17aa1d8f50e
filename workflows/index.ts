// The worker's workflow bundle entry: every workflow type the task queue runs.
export { credentialRenewalWorkflow } from './credential-renewal.js';
// Runs started before credentialRenewalWorkflow finish on their own code (see workflows/legacy/).
export { renewalWorkflow } from './legacy/renewal-v1.js';
