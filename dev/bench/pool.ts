/** Runs `count` jobs with at most `concurrency` at a time: each worker takes the next index. */
export interface PoolResult {
  wallMs: number;
  failures: { index: number; error: string }[];
}

export async function runPool(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<PoolResult> {
  let next = 0;
  const failures: PoolResult['failures'] = [];
  const started = performance.now();
  const lane = async () => {
    while (next < count && !signal?.aborted) {
      const index = next++;
      try {
        await job(index);
      } catch (err) {
        failures.push({ index, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  signal?.throwIfAborted();
  return { wallMs: performance.now() - started, failures };
}
