/** The ops command line itself, as an operator runs it: a child process, its output, its exit code. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../workflow/harness.js';

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

describe('npm run ops', () => {
  it('shows a renewal by NUMIC, cancels it, and says so with its exit codes', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    await h.linkToken(account.email);

    const status = await ops('status', '--numic', account.numic);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(account.workflowId);
    expect(status.stdout).toContain('En attente du clic sur le lien envoyé par courriel');
    expect(status.stdout).not.toContain(account.email);

    const cancel = await ops('cancel', account.workflowId, '--reason', 'demande de l’usager au téléphone');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('Annulation demandée');
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'cancelled' });

    const again = await ops('cancel', account.workflowId, '--reason', 'encore');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('déjà terminé');
  });

  it('answers 3 for an unknown renewal and 2 for a wrong usage', async () => {
    expect((await ops('status', 'renouvellement-inconnu')).code).toBe(3);
    const usage = await ops('list-stuck', '--stage', 'nulle-part');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('étape inconnue');
    expect((await ops('cancel', 'renouvellement-inconnu')).code).toBe(2); // no --reason
    expect((await ops('list-stuck', '--older-than', '2h', '--json')).code).toBe(0);
  });
});
