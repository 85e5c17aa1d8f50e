/**
 * What the Temporal server stores, for both kinds: without the codec, none of the citizen's data
 * nor any secret; with the codec (an operator's decoding UI), still no raw link secret, no
 * password (typed or new) and no identifier typed to authenticate a password renewal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { openLinkToken } from '../../codec/link-token.js';
import { SCENARIOS } from '../histories/scenarios.js';
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

/** Every string and every byte array (read as UTF-8) anywhere in a value. */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

function payloads(value: unknown, out: Payload[] = []): Payload[] {
  if (value && typeof value === 'object') {
    if ('metadata' in value && 'data' in value && (value as Payload).metadata?.encoding) out.push(value as Payload);
    else for (const v of Object.values(value)) payloads(v, out);
  }
  return out;
}

async function stored(workflowId: string, runId?: string) {
  const raw = new Client({ connection: dev.client.connection, namespace: h.config.temporal.namespace });
  const history = await raw.workflow.getHandle(workflowId, runId).fetchHistory();
  const codec = new AesGcmCodec(h.config.payloadCodec);
  return { raw: texts(history).join('\n'), decoded: texts(await codec.decode(payloads(history))).join('\n') };
}

describe('the stored history of every path', () => {
  it.each(Object.keys(SCENARIOS))(
    '%s: no email, phone, NUMIC, identifier or password in clear in any field; no secret once decoded',
    { timeout: 60_000 },
    async (name) => {
      const { workflowId, runId, account } = await SCENARIOS[name]!(h);
      const { raw, decoded } = await stored(workflowId, runId);
      for (const clear of [account.email, account.phone, account.numic, account.identifier, account.password])
        expect(raw).not.toContain(clear);
      for (const secret of [account.password, account.identifier, account.phone]) expect(decoded).not.toContain(secret);
      const sent = (await h.sms.read())
        .filter((m) => m.to === account.phone)
        .map((m) => /est (\S+) \./.exec(m.text)?.[1])
        .filter(Boolean);
      for (const password of sent) expect(`${raw}${decoded}`).not.toContain(password);
    },
  );

  it('keeps a failure’s message encrypted too: an SMTP rejection naming the recipient', { timeout: 60_000 }, async () => {
    let refusals = 1;
    // A server whose answer quotes the address, thrown as is (as an adapter that did not clean it would).
    const leaky = await startRenewalHarness({
      ...dev,
      wrapMailer: (mailer) => ({
        ...mailer,
        async send(email) {
          if (refusals-- > 0) throw new Error(`550 5.1.1 <${email.to}>: Recipient address rejected`);
          return mailer.send(email);
        },
      }),
    });
    try {
      const account = await leaky.createAccount();
      await leaky.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      await leaky.linkToken(account.email);
      const { raw, decoded } = await stored(account.workflowId);
      expect(raw).not.toContain(account.email);
      expect(raw).not.toContain('Recipient address rejected');
      expect(decoded).toContain('Recipient address rejected'); // the failure is there, encrypted
      await leaky.renewals.cancel(account.workflowId, 'fin du test');
    } finally {
      await leaky.stop();
    }
  });
});

describe('the stored history of a completed renewal', () => {
  it('of an identifier: no email, phone, NUMIC, password, identifier or link secret in clear, and no secret once decoded', async () => {
    const account = await h.createAccount('Mot-de-passe-tres-secret');
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email);
    const { secret } = openLinkToken(h.config.linkKey, token)!;
    expect(await h.renewals.submitSecret('identifier', token, 'Faux-mot-de-passe')).toMatchObject({ status: 'wrong-secret' });
    const completed = await h.renewals.submitSecret('identifier', token, account.password);
    if (completed.status !== 'completed' || completed.kind !== 'identifier') throw new Error(JSON.stringify(completed));
    await h.outcome(account.workflowId);

    const { raw, decoded } = await stored(account.workflowId);
    for (const clear of [
      account.email,
      account.phone,
      account.numic,
      account.password,
      'Faux-mot-de-passe',
      secret,
      token,
      account.identifier,
      completed.identifier,
    ]) {
      expect(raw).not.toContain(clear);
    }
    expect(decoded).toContain(account.numic); // the codec really opens the payloads...
    for (const secretValue of [secret, token, account.password, 'Faux-mot-de-passe']) expect(decoded).not.toContain(secretValue);
  });

  it('of a password: no new password anywhere, and the identifier typed to authenticate stays sealed', async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email, 1, 'password');
    expect(await h.renewals.submitSecret('password', token, 'AAAA-BBBB-CCCC')).toMatchObject({ status: 'wrong-secret' });
    expect(await h.renewals.submitSecret('password', token, account.identifier)).toMatchObject({ status: 'completed', kind: 'password' });
    await h.outcome(account.workflowId);
    const sms = (await h.sms.read()).find((m) => m.to === account.phone)!;
    const password = /est (\S+) \./.exec(sms.text)![1]!;

    const { raw, decoded } = await stored(account.workflowId);
    for (const clear of [account.email, account.phone, account.numic, account.identifier, password, 'AAAA-BBBB-CCCC'])
      expect(raw).not.toContain(clear);
    for (const secretValue of [password, account.identifier, 'AAAA-BBBB-CCCC', account.phone]) expect(decoded).not.toContain(secretValue);
  });
});
