/**
 * Every outcome end to end through the client API, on the real dev server, with the real
 * activities against FerretDB and Mailpit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWellFormedIdentifier } from '../../domain/identifier.js';
import { listMessages } from '../support/mailpit.js';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from './harness.js';

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

async function openedRenewal() {
  const account = await h.createAccount();
  await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email);
  expect(await h.renewals.openLink(token)).toMatchObject({ status: 'open', attemptsLeft: 3 });
  return { account, token };
}

describe('completed', () => {
  it('assigns a new identifier, retires the old one at once and notifies by email and SMS', async () => {
    const { account, token } = await openedRenewal();
    const result = await h.renewals.submitPassword(token, account.password);
    if (result.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(result)}`);
    expect(isWellFormedIdentifier(result.identifier)).toBe(true);
    expect(result.identifier).not.toBe(account.identifier);
    expect((await h.registry.findByIdentifier(result.identifier))?.id).toBe(account.id);
    expect(await h.registry.findByIdentifier(account.identifier)).toBeNull();

    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'completed' });
    const notices = await listMessages(h.config, { to: account.email, subject: 'Votre identifiant a été renouvelé' });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).not.toContain(result.identifier);
    const sms = (await h.sms.read()).filter((m) => m.to === account.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toMatch(/identifiant .* renouvelé/);
  });

  it('accepts the email whatever its case and spacing', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: ` ${account.numic} `, email: `  ${account.email.toUpperCase()} ` });
    expect(await h.linkToken(account.email)).toMatch(/^renouvellement-/);
  });
});

describe('status', () => {
  it('tells the stage and its deadline, and nothing secret', async () => {
    const { account } = await openedRenewal();
    const status = await h.renewals.status(account.workflowId);
    expect(status).toMatchObject({ status: 'found', kind: 'identifier', stage: 'waiting-for-password', attemptsLeft: 3, linksSent: 1 });
    const deadline = Date.parse((status as { deadline: string }).deadline);
    expect(deadline - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(JSON.stringify(status)).not.toMatch(new RegExp(`${account.email}|${account.numic}|${account.phone.replace('+', '\\+')}`));
    expect(await h.renewals.status('renouvellement-inconnu')).toEqual({ status: 'not-found' });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('no-match', () => {
  it('ends quietly and sends nothing when the email does not match the NUMIC', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: 'quelqu.un@example.org' });
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'no-match' });
    expect(await listMessages(h.config, { to: account.email })).toHaveLength(0);
    expect(await listMessages(h.config, { to: 'quelqu.un@example.org' })).toHaveLength(0);
  });

  it('ends quietly for a NUMIC that is not in the registry', async () => {
    const numic = '9999999999';
    await h.renewals.requestRenewal({ numic, email: 'inconnu@example.org' });
    expect(await h.renewals.result(h.renewals.workflowIdFor(numic))).toEqual({ outcome: 'no-match' });
  });
});

describe('superseded', () => {
  it('kills the old link when the citizen asks again with the right email', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const first = await h.linkToken(account.email, 1);
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const second = await h.linkToken(account.email, 2);
    expect(second).not.toBe(first);
    expect(await h.renewals.openLink(first)).toEqual({ status: 'dead', reason: 'superseded' });
    expect(await h.renewals.openLink(second)).toMatchObject({ status: 'open' });
  });

  it('ignores a request with another email while a renewal waits', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email);
    await h.renewals.requestRenewal({ numic: account.numic, email: 'intrus@example.org' });
    expect(await h.renewals.openLink(token)).toMatchObject({ status: 'open' });
    expect(await h.renewals.status(account.workflowId)).toMatchObject({ linksSent: 1 });
  });
});

describe('locked', () => {
  it('counts wrong passwords down and ends the renewal at the third', async () => {
    const { account, token } = await openedRenewal();
    expect(await h.renewals.submitPassword(token, 'faux-1')).toEqual({ status: 'wrong-password', attemptsLeft: 2 });
    expect(await h.renewals.submitPassword(token, 'faux-2')).toEqual({ status: 'wrong-password', attemptsLeft: 1 });
    expect(await h.renewals.submitPassword(token, 'faux-3')).toEqual({ status: 'dead', reason: 'locked' });
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'locked' });
    expect(await h.renewals.submitPassword(token, account.password)).toEqual({ status: 'dead', reason: 'locked' });
    expect((await h.registry.findById(account.id))?.identifier).toBe(account.identifier);
  });

  it('keeps counting across a fresh link of the same renewal', async () => {
    const { account, token } = await openedRenewal();
    await h.renewals.submitPassword(token, 'faux-1');
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const fresh = await h.linkToken(account.email, 2);
    expect(await h.renewals.openLink(fresh)).toMatchObject({ status: 'open', attemptsLeft: 2 });
  });
});

describe('already-used', () => {
  it('refuses the link once the renewal has completed', async () => {
    const { account, token } = await openedRenewal();
    expect((await h.renewals.submitPassword(token, account.password)).status).toBe('completed');
    await h.renewals.result(account.workflowId);
    expect(await h.renewals.openLink(token)).toEqual({ status: 'dead', reason: 'already-used' });
    expect(await h.renewals.submitPassword(token, account.password)).toEqual({ status: 'dead', reason: 'already-used' });
  });

  it('assigns exactly one identifier when the right password arrives twice at the same moment', async () => {
    const { account, token } = await openedRenewal();
    const results = await Promise.all([
      h.renewals.submitPassword(token, account.password),
      h.renewals.submitPassword(token, account.password),
    ]);
    const completed = results.filter((r) => r.status === 'completed');
    expect(completed).toHaveLength(1);
    expect(results.filter((r) => r.status === 'dead' && r.reason === 'already-used')).toHaveLength(1);
    await h.renewals.result(account.workflowId);
    const stored = await h.registry.findById(account.id);
    expect(stored?.identifier).toBe((completed[0] as { identifier: string }).identifier);
    expect(await listMessages(h.config, { to: account.email, subject: 'Votre identifiant a été renouvelé' })).toHaveLength(1);
  });
});

describe('cancelled', () => {
  it('ends the renewal on an operator cancel and kills its link', async () => {
    const { account, token } = await openedRenewal();
    expect(await h.renewals.cancel(account.workflowId, 'demande de l’usager par téléphone')).toEqual({ status: 'cancel-requested' });
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'cancelled' });
    expect(await h.renewals.openLink(token)).toEqual({ status: 'dead', reason: 'cancelled' });
  });
});

describe('unknown links', () => {
  it('answers unknown for a forged or malformed token', async () => {
    const { account, token } = await openedRenewal();
    const forged = token.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`);
    expect(await h.renewals.openLink(forged)).toEqual({ status: 'dead', reason: 'unknown' });
    expect(await h.renewals.openLink('pas-un-lien')).toEqual({ status: 'dead', reason: 'unknown' });
    const otherRun = token.replace(/\.[0-9a-f-]{36}\./, '.00000000-0000-4000-8000-000000000000.');
    expect(await h.renewals.openLink(otherRun)).toEqual({ status: 'dead', reason: 'unknown' });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('one renewal per account', () => {
  it('never starts a second workflow for an account whose renewal runs', async () => {
    const account = await h.createAccount();
    await Promise.all([1, 2, 3].map(() => h.renewals.requestRenewal({ numic: account.numic, email: account.email })));
    await h.linkToken(account.email);
    // All three requests reached the one run: its history holds the three signals.
    const history = await dev.client.workflow.getHandle(account.workflowId).fetchHistory();
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'request');
    const started = history.events!.filter((e) => e.workflowExecutionStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(signals).toHaveLength(3);
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});
