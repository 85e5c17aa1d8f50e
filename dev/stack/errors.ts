/**
 * An error meant for the operator: its message says what happened and what to do, and the entry
 * points print it alone, without a stack trace.
 */
export class StackError extends Error {
  override name = 'StackError';
}
