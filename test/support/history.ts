import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

/** A run's whole history as data (every event and field), to compare before and after. */
export async function historyOf(handle: WorkflowHandle): Promise<{ events: Record<string, unknown>[] }> {
  return JSON.parse(historyToJSON(await handle.fetchHistory()));
}
