/**
 * `npm run chaos -- --small` end to end: its own stack, a few renewals of both kinds through the
 * web while each kind of fault is injected once (a worker and a web instance killed, Temporal
 * restarted, the registry, Mailpit and the SMS gateway down a few seconds), then the audits. Fails
 * on any loss, duplicate, stuck renewal or unexplained 5xx, read from the run's JSON report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../dev/chaos/schedule.js';
import { runDevCommand } from '../support/dev-command.js';

const runChaos = (args: string[]) => runDevCommand('chaos', args);

const RENEWALS = 8;

describe('npm run chaos --small', () => {
  it('injects each kind of fault once and loses, duplicates and leaves stuck nothing', async () => {
    const dataDir = join(process.env.DATA_DIR!, 'chaos');
    const json = join(dataDir, 'report.json');
    const portBase = process.env.TEST_CHAOS_PORT_BASE ?? '31500';
    const { code, stdout, stderr } = await runChaos([
      ...['--small', '--renewals', String(RENEWALS), '--concurrency', '4', '--seed', '20261201'],
      ...['--port-base', portBase, '--data-dir', dataDir, '--json', json, '--log-level', 'warn'],
    ]);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect({ code, verdict: report.verdict, tail: `${stdout}\n${stderr}`.slice(-4000) }).toMatchObject({
      code: 0,
      verdict: { pass: true },
    });
    expect(report.error).toBeUndefined();

    // Each kind of fault was injected, and the service it hit came back.
    const injected = report.faults.map((f: { kind: string }) => f.kind);
    expect(new Set(injected)).toEqual(new Set(FAULT_KINDS));
    for (const fault of report.faults) expect(fault).toMatchObject({ startMs: expect.any(Number), endMs: expect.any(Number) });
    expect(report.faults.filter((f: { error?: string }) => f.error)).toEqual([]);

    // Nothing lost, duplicated or stuck; every account holds what its citizen was shown.
    const a = report.accounts;
    expect(a).toMatchObject({ renewals: RENEWALS, completed: RENEWALS, stuck: 0, failedOrTerminated: 0 });
    expect(a.lost).toEqual([]);
    expect(a.twoIdentifiers).toEqual([]);
    expect(a.oldCredentialsAccepted).toEqual([]);
    expect(a.messages.missing).toEqual([]);
    expect(a.messages.duplicated).toEqual([]);
    expect(a.messages.totals.changeNoticeEmails).toBeGreaterThanOrEqual(RENEWALS);
    expect(a.messages.totals.changeSms).toBe(a.messages.totals.changeNoticeEmails);
    expect(a.logins.asExpected).toBe(a.logins.tried);
    expect(a.logins.tried).toBeGreaterThanOrEqual(2 * RENEWALS);

    // Every 5xx is explained by a fault window and was retried; the memory was measured.
    expect(report.http.unexplained).toEqual([]);
    expect(report.http.notRetried).toEqual([]);
    expect(report.memory.length).toBeGreaterThan(0);

    // The table a reader sees.
    expect(stdout).toMatch(/replay: npm run chaos -- --seed 20261201 --small/);
    expect(stdout).toMatch(/Faults injected/);
    expect(stdout).toMatch(new RegExp(`Renewals: ${RENEWALS} driven .*, ${RENEWALS} completed, 0 lost`));
    expect(stdout).toMatch(/Verdict: PASS/);
  }, 300_000);

  it('refuses a data folder outside .data/, before starting anything', async () => {
    const { code, stderr } = await runChaos(['--data-dir', '/tmp']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--data-dir must be a folder inside .*\.data\//);
  });
});
