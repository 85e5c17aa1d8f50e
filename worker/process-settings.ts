/**
 * How the worker process is started, wherever it runs (npm start and the bench through
 * dev/stack/apps.ts, the Docker image and docker compose): its memory while thousands of renewals wait
 * for their link, measured by `npm run bench -- --k 2000 --skip baseline --skip e2e` (2026-11-27,
 * worker RSS while waiting, cache of 50 workflows: 325 MiB as node starts by default, 308 MiB with
 * the arena limit, 253 MiB with both settings; README, Performance).
 */

/**
 * V8's young generation at most 2 × 4 MiB per isolate (main thread and workflow thread) instead of
 * up to 2 × 16 MiB: more frequent, shorter scavenges for far less resident memory.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'] as const;

/** glibc's malloc keeps one arena per thread by default (the SDK's Rust core runs several). */
export const WORKER_PROCESS_ENV = { MALLOC_ARENA_MAX: '2' } as const;
