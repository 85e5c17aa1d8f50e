/**
 * `npm run bench` end to end at a tiny size: it starts its own stack, drives renewals through the
 * web and the baseline through the client, holds a few renewals, and reports every figure the
 * README's Performance section quotes. The times are not checked (this is not a timed test): only
 * that each is measured and that the run's own correctness checks pass. One figure is checked, a
 * count: a renewal's round trips, from its history, at most ROUND_TRIP_MULTIPLE times the
 * baseline's in the same run (dev/bench/round-trips.ts), so that a change that makes a renewal
 * cost more workflow tasks, activity tasks or client calls fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUND_TRIP_MULTIPLE } from '../../dev/bench/round-trips.js';
import { runDevCommand } from '../support/dev-command.js';

const N = 4;
const K = 6;

const runBench = (args: string[]) => runDevCommand('bench', args);

// Below the system's ephemeral ports (32768 and up on Linux), where any outgoing connection may hold
// one of the bench stack's ports a moment (CI met « Port 43000 is already in use » with 40000), and
// apart from the test stack's, the chaos tests' and the bench's default ports.
const BENCH_PORT_BASE = Number(process.env.TEST_BENCH_PORT_BASE ?? '22500');

describe('npm run bench', () => {
  it('measures the baseline, the renewals end to end and the hold, and writes them as JSON', async () => {
    const dataDir = join(process.env.DATA_DIR!, 'bench');
    const portBase = String(BENCH_PORT_BASE);
    const { code, stdout, stderr } = await runBench([
      ...['--n', String(N), '--c', '2', '--k', String(K), '--sample', '2', '--expiry-sample', '2', '--expiry-ttl', '2'],
      ...['--warmup', '1', '--rounds', '2', '--port-base', portBase, '--data-dir', dataDir, '--log-level', 'warn'],
      ...['--accounts', '2000', '--lookups', '10'],
    ]);
    const resultsFile = join(dataDir, 'results', 'latest.json');
    const result = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
    // The regression check first (a miss also fails the run: exit code 1), then the run itself.
    const trips = result?.comparison?.roundTrips;
    if (trips) {
      expect(
        trips.ratio,
        `a renewal costs ${trips.ratio} × the baseline's round trips: ${JSON.stringify(trips.renewal)}`,
      ).toBeLessThanOrEqual(ROUND_TRIP_MULTIPLE);
    }
    expect(code, `${stdout}\n${stderr}`.slice(-3000)).toBe(0);
    expect(result.error).toBeUndefined();
    expect(result.baseline).toMatchObject({ count: N, completed: N, failureCount: 0 });
    expect(result.e2e).toMatchObject({ count: N, completed: N, failureCount: 0 });
    expect(result.baseline.perSecond).toBeGreaterThan(0);
    // The baseline's round trips are the renewal's: signal-with-start, a query, an update.
    for (const step of ['signal-with-start', 'query', 'update', 'first task wait'])
      expect(result.baseline.steps[step]).toMatchObject({ count: N });
    expect(result.e2e.perSecond).toBeGreaterThan(0);
    for (const step of ['request POST', 'link GET', 'password POST']) {
      expect(result.e2e.steps[step]).toMatchObject({ count: N, p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
      expect(result.comparison.p99DiffMs[step]).toEqual(expect.any(Number));
    }
    expect(result.comparison.throughputRatio).toBeGreaterThan(0);
    expect(result.comparison.cpu).toMatchObject({ renewalMs: expect.any(Number), baselineMs: expect.any(Number) });
    expect(result.comparison.cpu.ratio).toBeGreaterThan(0);
    // The shared store's cost: its commands per renewal (sessions, codes, limits), counted by Redis.
    expect(result.e2e.store.perRenewal).toBeGreaterThan(0);
    expect(Object.keys(result.e2e.store.byCommand)).not.toContain('info');

    // The regression check above: the renewal's round trips against the baseline's, counted from
    // every measured run's history (N of each), within the documented multiple.
    expect(trips).toMatchObject({ multiple: ROUND_TRIP_MULTIPLE, renewal: { runs: N }, baseline: { runs: N } });
    // The baseline is what a bare Temporal costs: two workflow tasks (a retried one would add its
    // own) and three client calls a set.
    expect(trips.baseline).toMatchObject({ activityTasks: 0, signals: 1, updates: 1, queries: 1 });
    expect(trips.baseline.workflowTasks).toBeGreaterThanOrEqual(2);
    expect(trips.renewal).toMatchObject({ signals: 1, updates: 1, queries: 1 });
    expect(trips.ratio).toBeCloseTo(trips.renewal.total / trips.baseline.total, 2);
    expect(result.targets.find((t: { name: string }) => t.name === 'round trips')).toMatchObject({ met: true });
    expect(result.e2e.rss.worker.hwmMiB ?? result.e2e.rss.worker.polledPeakMiB).toBeGreaterThan(0);
    expect(result.e2e.rss.web.hwmMiB ?? result.e2e.rss.web.polledPeakMiB).toBeGreaterThan(0);

    expect(result.hold).toMatchObject({
      k: K,
      startFailures: 0,
      sample: { size: 2, completed: 2, linkState: { count: 2 }, submitSecret: { count: 2 } },
      expiry: { size: 2, expired: 2, deadLinkPages: 2 },
    });
    expect(result.hold.startMs).toBeGreaterThan(0);
    expect(result.hold.worker.waitingMiB).toBeGreaterThan(0);
    expect(result.targets.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining([
        'throughput',
        'request POST p99',
        'link GET p99',
        'password POST p99',
        'CPU per renewal',
        'round trips',
        `start rate, ${K} waiting`,
        `worker RSS, ${K} waiting`,
        'waiting renewals still work',
        'look-up growth',
      ]),
    );
    // The registry's look-ups, each kind timed at 1 000 and at --accounts, and their growth.
    expect(result.registry).toMatchObject({ accounts: 2000, lookups: 10, sizes: [{ accounts: 1000 }, { accounts: 2000 }] });
    for (const kind of ['by NUMIC and email', 'by identifier', 'by ID', 'create (claims)', 'assign identifier (claims)']) {
      for (const size of result.registry.sizes) expect(size.steps[kind]).toMatchObject({ count: 10, p50: expect.any(Number) });
      expect(result.registry.growth[kind]).toEqual({ p50: expect.any(Number), p99: expect.any(Number) });
    }
    expect(result.registry.serverRss.hwmMiB ?? result.registry.serverRss.polledPeakMiB).toBeGreaterThan(0);
    expect(result.targets.find((t: { name: string }) => t.name === 'look-up growth').value).toMatch(/^\d+(\.\d+)? ×$/);
    expect(result.targets.find((t: { name: string }) => t.name === 'waiting renewals still work').met).toBe(true);

    // The table a reader sees.
    expect(stdout).toMatch(/Baseline: 4\/4 \(start \+ query \+ update\)/);
    expect(stdout).toMatch(/End to end: 4\/4 renewals/);
    expect(stdout).toMatch(/Hold: 6 renewals waiting for their link/);
    expect(stdout).toMatch(/Registry look-ups on the embedded registry server/);
    expect(stdout).toMatch(/Round trips: \d+(\.\d+)? × the baseline's \(at most \d+(\.\d+)? ×/);
    expect(stdout).toMatch(/Store \(Redis\) commands per renewal: \d/);
    expect(stdout).toMatch(/Targets/);
  }, 300_000);

  it('measures the registry alone with --only registry, starting its server and nothing else', async () => {
    const dataDir = join(process.env.DATA_DIR!, 'bench-registry');
    const portBase = String(BENCH_PORT_BASE + 100);
    const { code, stdout, stderr } = await runBench([
      '--only',
      'registry',
      '--accounts',
      '1000',
      '--lookups',
      '10',
      '--port-base',
      portBase,
      '--data-dir',
      dataDir,
    ]);
    expect({ code, tail: `${stdout}\n${stderr}`.slice(-3000) }).toMatchObject({ code: 0 });
    const result = JSON.parse(readFileSync(join(dataDir, 'results', 'latest.json'), 'utf8'));
    expect(result).toMatchObject({ registry: { accounts: 1000, sizes: [{ accounts: 1000 }, { accounts: 1000 }] } });
    expect(result.baseline).toBeUndefined();
    expect(result.hold).toBeUndefined();
    expect(result.targets.map((t: { name: string }) => t.name)).toEqual(['look-up growth']);
    expect(readdirSync(join(dataDir, 'stack', 'logs'))).toEqual(['registry.log']);
  }, 120_000);

  it('refuses a data folder outside .data/, before starting anything', async () => {
    const { code, stderr } = await runBench(['--data-dir', '/tmp']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--data-dir must be a folder inside .*\.data\//);
  });
});
