/** The ops command line itself, as an operator runs it: a child process, its output, its exit code. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenewalKind } from '../../workflows/definitions.js';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'ops/cli.ts', ...args],
      { cwd: root, env: process.env, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let dev: DevServer;
let h: RenewalHarness;

beforeAll(async () => {
  dev = await connectDevServer();
  h = await startRenewalHarness(dev);
});

afterAll(async () => {
  await h?.stop();
  await dev?.close();
});

/**
 * Waits until the run knows the link it emailed: the email leaves inside the activity, the run
 * records the link's hash only once the activity completes, and a secret submitted in between is
 * refused as an unknown link (which would spoil the count of wrong secrets).
 */
async function linkRecorded(kind: RenewalKind, token: string) {
  await expect.poll(async () => (await h.renewals.linkState(kind, token)).status).toBe('open');
}

describe('npm run ops', () => {
  it('shows a renewal by NUMIC, cancels it, lifts its waiting period, and says so with its exit codes', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    await h.linkToken(account.email);

    const status = await ops('status', '--numic', account.numic);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(account.workflowId);
    expect(status.stdout).toContain('nature         : identifiant');
    expect(status.stdout).toMatch(/échéance {7}: \d\d\/\d\d à \d\d:\d\d \(heure de Paris\)/);
    expect(status.stdout).toContain('verrouillages  : 0');
    expect(status.stdout).toMatch(
      /situation {6}: en attente de l'usager : ouvrir le lien envoyé par courriel et saisir son mot de passe actuel jusqu'au \d\d\/\d\d à \d\d:\d\d \(heure de Paris\)/,
    );
    expect(status.stdout).not.toContain(account.email);
    expect(status.stdout).not.toContain(account.numic);

    const cancel = await ops('cancel', account.workflowId, '--reason', 'demande de l’usager au téléphone');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('Annulation demandée');
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'cancelled' });

    const resting = await ops('status', account.workflowId);
    expect(resting.code).toBe(0);
    expect(resting.stdout).toContain('issue          : cancelled');
    expect(resting.stdout).toMatch(/tentative terminée \(annulé par un opérateur\)\. Délai de sécurité jusqu'au \d\d\/\d\d à \d\d:\d\d/);

    const lift = await ops('cancel', account.workflowId, '--reason', 'vérifié avec l’usager');
    expect(lift.code).toBe(0);
    expect(lift.stdout).toContain('Levée du délai de sécurité demandée');
    await dev.client.workflow.getHandle(account.workflowId).result();

    const again = await ops('cancel', account.workflowId, '--reason', 'encore');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('déjà terminé');
  });

  it('shows the lock-outs of an account whose renewals are refused', async () => {
    const strict = h.clientWithPolicy({ lockoutLimit: 1 });
    const account = await h.createAccount();
    await strict.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email, 1, 'password');
    await linkRecorded('password', token);
    for (let i = 1; i <= h.config.renewal.maxSecretAttempts; i++) await strict.submitSecret('password', token, `FAUX-FAUX-FAU${i}`);
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'password', outcome: 'locked' });

    const status = await ops('status', account.workflowId);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('nature         : mot de passe');
    expect(status.stdout).toContain('issue          : locked');
    expect(status.stdout).toContain('verrouillages  : 1');
    expect(status.stdout).toMatch(/Trop de verrouillages : nouveaux renouvellements refusés jusqu'au \d\d\/\d\d à \d\d:\d\d/);
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });

  it('answers 3 for an unknown renewal and 2 for a wrong usage', async () => {
    expect((await ops('status', 'renouvellement-inconnu')).code).toBe(3);
    const usage = await ops('list-stuck', '--stage', 'waiting-for-password');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('étape inconnue');
    expect(usage.stderr).toContain('cooling-down');
    expect((await ops('cancel', 'renouvellement-inconnu')).code).toBe(2); // no --reason
    const stuck = await ops('list-stuck', '--stage', 'cooling-down', '--older-than', '2h', '--json');
    expect(stuck.code).toBe(0);
    expect(JSON.parse(stuck.stdout).query).toContain("RenewalStage = 'cooling-down' AND RenewalDeadline < ");
  });
});
