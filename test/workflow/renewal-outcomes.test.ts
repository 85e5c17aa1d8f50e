/**
 * Every outcome of both kinds end to end through the client API, on the real dev server, with the
 * real activities against the registry and Mailpit and a scratch SMS outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../adapters/passwords.js';
import { LINK_EMAIL_SUBJECT } from '../../copy/emails.js';
import { isWellFormedIdentifier } from '../../domain/identifier.js';
import { canonicalGeneratedPassword } from '../../domain/password.js';
import { RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';
import { historyOf } from '../support/history.js';
import { listMessages } from '../support/mailpit.js';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';

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

type Account = Awaited<ReturnType<RenewalHarness['createAccount']>>;
/** What authenticates each kind: the password for a new identifier, the identifier for a new password. */
const secretOf = (kind: RenewalKind, account: Account) => (kind === 'identifier' ? account.password : account.identifier);

async function requested(kind: RenewalKind) {
  const account = await h.createAccount();
  await h.renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email, 1, kind);
  return { account, token };
}

describe('an identifier renewal', () => {
  it('assigns a new identifier, retires the old one at once and notifies by email and SMS', async () => {
    const { account, token } = await requested('identifier');
    expect(await h.renewals.linkState('identifier', token)).toMatchObject({ status: 'open', kind: 'identifier', attemptsLeft: 3 });
    const result = await h.renewals.submitSecret('identifier', token, account.password);
    if (result.status !== 'completed' || result.kind !== 'identifier') throw new Error(`expected completed, got ${JSON.stringify(result)}`);
    expect(isWellFormedIdentifier(result.identifier)).toBe(true);
    expect(result.identifier).not.toBe(account.identifier);
    expect((await h.registry.findByIdentifier(result.identifier))?.id).toBe(account.id);
    expect(await h.registry.findByIdentifier(account.identifier)).toBeNull();

    expect(await h.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'completed' });
    const notices = await listMessages(h.config, { to: account.email, subject: 'Votre identifiant a été renouvelé' });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).not.toContain(result.identifier);
    const sms = (await h.sms.read()).filter((m) => m.to === account.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toMatch(/identifiant .* renouvelé/);
  });

  it('accepts the email whatever its case and spacing', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind: 'identifier', numic: ` ${account.numic} `, email: `  ${account.email.toUpperCase()} ` });
    expect(await h.linkToken(account.email)).toMatch(/^[A-Za-z0-9_-]{124}$/);
  });
});

describe('a password renewal', () => {
  it('sends a new password by SMS only, kills the old one at once, and notifies by email', async () => {
    const { account, token } = await requested('password');
    expect(await h.renewals.linkState('password', token)).toMatchObject({ status: 'open', kind: 'password' });
    const result = await h.renewals.submitSecret('password', token, account.identifier.toLowerCase().replaceAll('-', ' '));
    expect(result).toEqual({ status: 'completed', kind: 'password', phoneEnding: account.phone.slice(-2) });
    await h.outcome(account.workflowId);

    const [sms, ...more] = (await h.sms.read()).filter((m) => m.to === account.phone);
    expect(more).toEqual([]);
    const password = canonicalGeneratedPassword(/mot de passe pour l’espace consulaire est (\S+) /.exec(sms!.text)![1]!)!;
    const stored = (await h.registry.findById(account.id))!;
    expect(await verifyPassword(stored.passwordHash, password)).toBe(true);
    expect(await verifyPassword(stored.passwordHash, account.password)).toBe(false);
    expect(stored.identifier).toBe(account.identifier);

    const notices = await listMessages(h.config, { to: account.email, subject: 'Votre mot de passe a été renouvelé' });
    expect(notices).toHaveLength(1);
    const everyEmail = await listMessages(h.config, { to: account.email });
    for (const email of everyEmail) expect(`${email.text}${email.html}`).not.toContain(password);
  });

  it('keeps no clear password in the registry once its SMS is gone', async () => {
    const { account, token } = await requested('password');
    await h.renewals.submitSecret('password', token, account.identifier);
    await h.outcome(account.workflowId);
    const { runId } = await dev.client.workflow.getHandle(account.workflowId).describe();
    expect(await h.registry.issuedPassword(`${account.workflowId}/${runId}`)).toBeUndefined();
  });
});

describe.each(RENEWAL_KINDS)('both kinds: %s', (kind) => {
  it('ends quietly and sends nothing when the email does not match the NUMIC', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: 'quelqu.un@example.org' });
    expect(await h.outcome(account.workflowId)).toEqual({ kind, outcome: 'no-match' });
    const { status } = await dev.client.workflow.getHandle(account.workflowId).describe();
    expect(status.name).toBe('COMPLETED'); // nothing to remember: the run closes at once
    expect(await listMessages(h.config, { to: account.email })).toHaveLength(0);
    expect(await listMessages(h.config, { to: 'quelqu.un@example.org' })).toHaveLength(0);
  });

  it('kills the old link when the citizen asks again with the right email, and ignores another email', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
    const first = await h.linkToken(account.email, 1, kind);
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: 'intrus@example.org' });
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
    const second = await h.linkToken(account.email, 2, kind);
    expect(second).not.toBe(first);
    expect(await h.renewals.linkState(kind, first)).toEqual({ status: 'dead', reason: 'superseded' });
    expect(await h.renewals.linkState(kind, second)).toMatchObject({ status: 'open' });
    expect(await h.renewals.status(account.workflowId)).toMatchObject({ linksSent: 2 });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });

  it('counts wrong secrets down, ends locked at the third, notifies by email and SMS, and changes nothing', async () => {
    const { account, token } = await requested(kind);
    expect(await h.renewals.submitSecret(kind, token, 'FAUX-FAUX-FAU1')).toEqual({ status: 'wrong-secret', attemptsLeft: 2 });
    expect(await h.renewals.submitSecret(kind, token, 'FAUX-FAUX-FAU2')).toEqual({ status: 'wrong-secret', attemptsLeft: 1 });
    expect(await h.renewals.submitSecret(kind, token, 'FAUX-FAUX-FAU3')).toEqual({ status: 'dead', reason: 'locked' });
    expect(await h.outcome(account.workflowId)).toEqual({ kind, outcome: 'locked' });
    expect(await h.renewals.submitSecret(kind, token, secretOf(kind, account))).toEqual({ status: 'dead', reason: 'locked' });
    const stored = (await h.registry.findById(account.id))!;
    expect(stored.identifier).toBe(account.identifier);
    expect(await verifyPassword(stored.passwordHash, account.password)).toBe(true);
    await expect
      .poll(async () => (await h.sms.read()).filter((m) => m.to === account.phone).map((m) => m.text))
      .toEqual([expect.stringMatching(/quelqu’un a saisi 3 fois/)]);
    expect(await listMessages(h.config, { to: account.email, subject: 'Demande bloquée après plusieurs erreurs' })).toHaveLength(1);
    expect(await h.renewals.status(account.workflowId)).toMatchObject({ stage: 'cooling-down', lockouts: 1 });
  });

  it('keeps counting across a fresh link of the same renewal', async () => {
    const { account, token } = await requested(kind);
    await h.renewals.submitSecret(kind, token, 'FAUX-FAUX-FAU1');
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
    const fresh = await h.linkToken(account.email, 2, kind);
    expect(await h.renewals.linkState(kind, fresh)).toMatchObject({ status: 'open', attemptsLeft: 2 });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });

  it('refuses the link once the renewal has completed', async () => {
    const { account, token } = await requested(kind);
    expect((await h.renewals.submitSecret(kind, token, secretOf(kind, account))).status).toBe('completed');
    await h.outcome(account.workflowId);
    expect(await h.renewals.linkState(kind, token)).toEqual({ status: 'dead', reason: 'already-used' });
    expect(await h.renewals.submitSecret(kind, token, secretOf(kind, account))).toEqual({ status: 'dead', reason: 'already-used' });
  });

  it('changes the credential exactly once when the right secret arrives twice at the same moment', async () => {
    const { account, token } = await requested(kind);
    const secret = secretOf(kind, account);
    const results = await Promise.all([h.renewals.submitSecret(kind, token, secret), h.renewals.submitSecret(kind, token, secret)]);
    expect(results.filter((r) => r.status === 'completed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'dead' && r.reason === 'already-used')).toHaveLength(1);
    await h.outcome(account.workflowId);
    await expect.poll(async () => (await h.sms.read()).filter((m) => m.to === account.phone).length).toBe(1);
    const subject = kind === 'identifier' ? 'Votre identifiant a été renouvelé' : 'Votre mot de passe a été renouvelé';
    expect(await listMessages(h.config, { to: account.email, subject })).toHaveLength(1);
  });

  it('ends on an operator cancel and kills its link', async () => {
    const { account, token } = await requested(kind);
    expect(await h.renewals.cancel(account.workflowId, 'demande de l’usager par téléphone')).toEqual({ status: 'cancel-requested' });
    expect(await h.outcome(account.workflowId)).toEqual({ kind, outcome: 'cancelled' });
    expect(await h.renewals.linkState(kind, token)).toEqual({ status: 'dead', reason: 'cancelled' });
  });

  it('answers unknown for a forged token, another run’s token and a link of the other kind’s page', async () => {
    const { account, token } = await requested(kind);
    const other = kind === 'identifier' ? 'password' : 'identifier';
    const forged = `${token.slice(0, 60)}${token[60] === 'A' ? 'B' : 'A'}${token.slice(61)}`;
    expect(await h.renewals.linkState(kind, forged)).toEqual({ status: 'dead', reason: 'unknown' });
    expect(await h.renewals.linkState(kind, 'pas-un-lien')).toEqual({ status: 'dead', reason: 'unknown' });
    expect(await h.renewals.linkState(other, token)).toEqual({ status: 'dead', reason: 'unknown' });
    expect(await h.renewals.submitSecret(other, token, secretOf(kind, account))).toEqual({ status: 'dead', reason: 'unknown' });
    expect(await h.renewals.linkState(kind, token)).toMatchObject({ status: 'open', attemptsLeft: 3 });
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('the update validator', () => {
  it('writes nothing to the history for a submission with an unknown or dead link (the update validator)', async () => {
    const { account, token } = await requested('identifier');
    const handle = dev.client.workflow.getHandle(account.workflowId);
    const before = await historyOf(handle);
    const forged = `${token.slice(0, 70)}${token[70] === 'A' ? 'B' : 'A'}${token.slice(71)}`;
    expect(await h.renewals.submitSecret('identifier', forged, account.password)).toEqual({ status: 'dead', reason: 'unknown' });
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    await h.linkToken(account.email, 2);
    await expect
      .poll(
        async () =>
          (await h.renewals.status(account.workflowId)).status === 'found' &&
          ((await h.renewals.status(account.workflowId)) as { linksSent: number }).linksSent,
      )
      .toBe(2);
    const afterResend = await historyOf(handle);
    expect(await h.renewals.submitSecret('identifier', token, account.password)).toEqual({ status: 'dead', reason: 'superseded' });
    expect(await historyOf(handle)).toEqual(afterResend);
    expect(afterResend.events.length).toBeGreaterThan(before.events.length); // the resend itself was recorded
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('a link clicked before its email was recorded', () => {
  it('is pending, then works: a submission waits for the email’s turn and decides', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The email goes, then its activity holds: the citizen has the link, the workflow not yet its hash.
    const slow = await startRenewalHarness({
      ...dev,
      wrapMailer: (mailer) => ({ ...mailer, send: async (email) => (await mailer.send(email), await held) }),
    });
    try {
      const account = await slow.createAccount();
      await slow.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      const token = await slow.linkToken(account.email);
      expect(await slow.renewals.linkState('identifier', token)).toEqual({ status: 'pending' });
      const submitted = slow.renewals.submitSecret('identifier', token, account.password);
      release();
      expect(await submitted).toMatchObject({ status: 'completed', kind: 'identifier' });
    } finally {
      release();
      await slow.stop();
    }
  });
});

describe('links', () => {
  it('share no visible part, and name neither the NUMIC nor the email', async () => {
    const account = await h.createAccount();
    const tokens: string[] = [];
    for (let i = 1; i <= 3; i++) {
      await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      tokens.push(await h.linkToken(account.email, i));
    }
    const [a, b, c] = tokens as [string, string, string];
    const sharedPrefix = (x: string, y: string) => [...x].findIndex((ch, i) => ch !== y[i]);
    expect(Math.max(sharedPrefix(a, b), sharedPrefix(b, c), sharedPrefix(a, c))).toBeLessThan(4);
    for (const token of tokens) {
      expect(token).not.toContain(account.workflowId);
      expect(token).not.toContain(account.numic);
      expect(token.toLowerCase()).not.toContain(account.email.split('@')[0]!);
    }
    const email = (await listMessages(h.config, { to: account.email, subject: LINK_EMAIL_SUBJECT.identifier }))[0]!;
    expect(email.text).toContain(`${h.config.web.publicBaseUrl}/identifiant-perdu/lien/`);
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});

describe('one renewal per account', () => {
  it('never starts a second workflow for an account whose renewal runs', async () => {
    const account = await h.createAccount();
    await Promise.all([1, 2, 3].map(() => h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email })));
    await h.linkToken(account.email);
    const history = await dev.client.workflow.getHandle(account.workflowId).fetchHistory();
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'request');
    const started = history.events!.filter((e) => e.workflowExecutionStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(signals).toHaveLength(3);
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});
