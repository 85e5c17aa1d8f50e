/**
 * Every timer of the renewal, just before and just after its bound, on the Java time-skipping test
 * server: the link's hour, the emails' hour, the cooldown between the two kinds, the lasting bound
 * on wrong secrets. Awaiting an update does not skip time there, so time moves with `env.sleep`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/index.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { historyOf } from '../support/history.js';
import { listMessages } from '../support/mailpit.js';
import { timeSkippingEnv } from '../support/temporal.js';
import { fakeDeps } from '../support/fakes.js';
import { PageClient } from '../support/page-client.js';
import { startRenewalHarness, type RenewalHarness } from '../support/renewal-harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let env: TestWorkflowEnvironment;
let h: RenewalHarness;

beforeAll(async () => {
  env = await timeSkippingEnv({ client: { dataConverter: createDataConverter(loadConfig(process.env).payloadCodec) } });
  h = await startRenewalHarness({ nativeConnection: env.nativeConnection, client: env.client });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

type Account = Awaited<ReturnType<RenewalHarness['createAccount']>>;
const secretOf = (kind: RenewalKind, account: Account) => (kind === 'identifier' ? account.password : account.identifier);

async function requested(kind: RenewalKind = 'identifier', harness = h) {
  const account = await harness.createAccount();
  await harness.renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
  return { account, token: await harness.linkToken(account.email, 1, kind) };
}

describe('the link’s hour', () => {
  it('survives a mail scanner: HEAD and GETs change nothing, and the citizen completes 59 minutes after it was sent', async () => {
    const { account, token } = await requested();
    const web = new PageClient(createApp(await fakeDeps({ renewals: h.renewals })));
    const url = `${RENEWAL_PATHS.identifier.link}/${token}`;
    const handle = env.client.workflow.getHandle(account.workflowId);
    const before = { status: await h.renewals.status(account.workflowId), history: await historyOf(handle) };

    expect((await web.request(url, { method: 'HEAD' })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await web.get(url)).status).toBe(200);

    expect(await h.renewals.status(account.workflowId)).toEqual(before.status);
    // Every event and field the same (compared as data: the JSON's map keys come in no fixed order).
    expect(await historyOf(handle)).toEqual(before.history);

    await env.sleep(59 * MINUTE);
    expect(await h.renewals.linkState('identifier', token)).toMatchObject({ status: 'open', attemptsLeft: 3 });
    expect(await h.renewals.submitSecret('identifier', token, account.password)).toMatchObject({ status: 'completed' });
  });

  it('dies one second after the hour, and the renewal ends as expired', async () => {
    const { account, token } = await requested();
    await env.sleep(HOUR + SECOND);
    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'expired' });
    expect(await h.renewals.linkState('identifier', token)).toEqual({ status: 'dead', reason: 'expired' });
    expect(await h.renewals.submitSecret('identifier', token, account.password)).toEqual({ status: 'dead', reason: 'expired' });
    expect((await h.registry.findById(account.id))?.identifier).toBe(account.identifier);
  });
});

describe('emails per account (3 per rolling hour)', () => {
  it('refuses a fourth link within the hour and sends one again once the oldest is an hour old', async () => {
    // A 2-hour link outlives the 1-hour window, so the renewal is still waiting when it reopens.
    const renewals = h.clientWithPolicy({ linkTtlMs: 2 * HOUR });
    const account = await h.createAccount();
    const request = () => renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    for (let i = 1; i <= 4; i++) {
      await request();
      if (i <= 3) await h.linkToken(account.email, i);
    }
    expect(await renewals.resendLink(account.workflowId)).toEqual({ status: 'refused', reason: 'rate-limited' });
    expect(await renewals.status(account.workflowId)).toMatchObject({ linksSent: 3 });

    await env.sleep(HOUR - MINUTE);
    expect(await renewals.resendLink(account.workflowId)).toEqual({ status: 'refused', reason: 'rate-limited' });

    await env.sleep(2 * MINUTE);
    expect(await renewals.resendLink(account.workflowId)).toEqual({ status: 'sent' });
    const fourth = await h.linkToken(account.email, 4);
    expect(await renewals.linkState('identifier', fourth)).toMatchObject({ status: 'open' });
    await renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('identifier and password are never renewed at the same time', () => {
  it.each([
    ['identifier', 'password'],
    ['password', 'identifier'],
  ] as const)('while a %s renewal is in flight, a %s request starts nothing and the account is told why', async (first, second) => {
    const { account, token } = await requested(first);
    await h.renewals.requestRenewal({ kind: second, numic: account.numic, email: account.email });
    const [explanation] = await h.waitForEmails(account.email, 'impossible pour le moment');
    expect(explanation!.text).toMatch(/déjà en cours pour votre compte, jusqu’au/);
    expect(explanation!.text).toContain(h.config.smtp.helpdesk);
    expect(
      await listMessages(h.config, { to: account.email, subject: second === 'identifier' ? 'nouvel identifiant' : 'nouveau mot de passe' }),
    ).toHaveLength(1); // only the explanation
    expect(await h.renewals.status(account.workflowId)).toMatchObject({ kind: first, stage: 'waiting-for-link', linksSent: 1 });
    expect(await h.renewals.linkState(first, token)).toMatchObject({ status: 'open' });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });

  it('after a completed renewal, the other kind waits the cooldown; the same kind may renew again at once', async () => {
    const { account, token } = await requested('identifier');
    const done = await h.renewals.submitSecret('identifier', token, account.password);
    if (done.status !== 'completed' || done.kind !== 'identifier') throw new Error(JSON.stringify(done));
    await h.outcome(account.workflowId);
    expect(await h.renewals.status(account.workflowId)).toMatchObject({ stage: 'cooling-down' });

    // The other kind, a minute before the cooldown ends: refused, explained.
    await env.sleep(DAY - MINUTE);
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const [refusal] = await h.waitForEmails(account.email, 'impossible pour le moment');
    expect(refusal!.text).toMatch(/ne peut être renouvelé qu’à partir du/);
    expect(await listMessages(h.config, { to: account.email, subject: 'nouveau mot de passe' })).toHaveLength(1);

    // The same kind: a new renewal at once (a new run carrying the account's memory).
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const again = await h.linkToken(account.email, 2, 'identifier');
    expect(await h.renewals.linkState('identifier', again)).toMatchObject({ status: 'open' });
    expect(await h.renewals.submitSecret('identifier', again, account.password)).toMatchObject({ status: 'completed' });
    await h.outcome(account.workflowId);

    // The cooldown counts from the last completion: the password still waits, then may go.
    await env.sleep(DAY + MINUTE);
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const passwordLink = await h.linkToken(account.email, 1, 'password');
    expect(await h.renewals.linkState('password', passwordLink)).toMatchObject({ status: 'open', kind: 'password' });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('a lasting bound on wrong secrets', () => {
  it('after 3 lock-outs in 24 h, refuses renewals for 24 h with a notice to contact the help desk; each lock-out told by email and SMS', async () => {
    const account = await h.createAccount();
    let checked = 0;
    for (let lockout = 1; lockout <= 3; lockout++) {
      await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      const token = await h.linkToken(account.email, lockout);
      for (;;) {
        const answer = await h.renewals.submitSecret('identifier', token, `faux-${lockout}-${checked}`);
        checked++;
        if (answer.status === 'dead') break;
      }
      expect(await h.renewals.status(account.workflowId)).toMatchObject({ stage: 'cooling-down', outcome: 'locked', lockouts: lockout });
      await env.sleep(HOUR); // the next attempt an hour later (within the 24 h window)
    }
    expect(checked).toBe(9); // 3 per renewal × 3 lock-outs: the documented bound per 24 h
    const lockoutEmails = await h.waitForEmails(account.email, 'Demande bloquée après plusieurs erreurs', 3);
    expect(lockoutEmails).toHaveLength(3);
    await expect
      .poll(async () => (await h.sms.read()).filter((m) => m.to === account.phone && /quelqu’un a saisi 3 fois/.test(m.text)).length)
      .toBe(3);
    const status = await h.renewals.status(account.workflowId);
    expect(status).toMatchObject({ lockouts: 3, refusedUntil: expect.any(String) });

    // A fourth request: no link, the help desk's notice instead, and no secret is even checked.
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const [refusal] = await h.waitForEmails(account.email, 'impossible pour le moment');
    expect(refusal!.text).toMatch(/suspendues jusqu’au/);
    expect(refusal!.text).toContain(h.config.smtp.helpdesk);
    expect(await listMessages(h.config, { to: account.email, subject: 'Votre demande de nouvel identifiant' })).toHaveLength(3);
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment', 2);
    expect(await listMessages(h.config, { to: account.email, subject: 'nouveau mot de passe' })).toHaveLength(1);

    // 24 hours after the third lock-out, the account may renew again.
    await env.sleep(DAY);
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email, 4);
    expect(await h.renewals.linkState('identifier', token)).toMatchObject({ status: 'open', attemptsLeft: 3 });
    expect(await h.renewals.submitSecret('identifier', token, secretOf('identifier', account))).toMatchObject({ status: 'completed' });
  });

  it('counts wrong secrets of renewals that expired: fresh links do not give fresh tries', async () => {
    const { account, token } = await requested('password');
    expect(await h.renewals.submitSecret('password', token, 'FAUX-FAUX-FAUX')).toEqual({ status: 'wrong-secret', attemptsLeft: 2 });
    await env.sleep(HOUR + SECOND);
    expect(await h.outcome(account.workflowId)).toMatchObject({ outcome: 'expired' });
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const next = await h.linkToken(account.email, 2, 'password');
    expect(await h.renewals.linkState('password', next)).toMatchObject({ status: 'open', attemptsLeft: 2 });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });

  it('closes the run once nothing needs remembering (24 h after the last wrong secret)', async () => {
    const { account, token } = await requested();
    await h.renewals.submitSecret('identifier', token, 'faux');
    await h.renewals.cancel(account.workflowId, 'test');
    await h.outcome(account.workflowId);
    const handle = env.client.workflow.getHandle(account.workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await env.sleep(DAY + MINUTE);
    expect(await handle.result()).toEqual({ kind: 'identifier', outcome: 'cancelled' });
  });
});
