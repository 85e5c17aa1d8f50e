// The worker's workflow bundle entry: every workflow type the task queue runs.
export { renewalWorkflow } from './renewal.js';
