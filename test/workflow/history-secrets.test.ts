/**
 * What the Temporal server stores: without the codec, none of the citizen's data nor any secret;
 * with the codec (an operator's decoding UI), still no raw link secret and no password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { parseLinkToken } from '../../domain/renewal-link.js';
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

describe('the stored history of a completed renewal', () => {
  it('holds no email, phone, NUMIC, password or link secret in clear, and no secret once decoded', async () => {
    const account = await h.createAccount('Mot-de-passe-tres-secret');
    await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
    const token = await h.linkToken(account.email);
    const secret = parseLinkToken(token)!.secret;
    await h.renewals.openLink(token);
    expect(await h.renewals.submitPassword(token, 'Faux-mot-de-passe')).toMatchObject({ status: 'wrong-password' });
    const completed = await h.renewals.submitPassword(token, account.password);
    expect(completed.status).toBe('completed');
    await h.renewals.result(account.workflowId);

    const raw = new Client({ connection: dev.client.connection, namespace: h.config.temporal.namespace });
    const history = await raw.workflow.getHandle(account.workflowId).fetchHistory();
    const stored = texts(history).join('\n');
    for (const clear of [account.email, account.phone, account.numic, account.password, 'Faux-mot-de-passe', secret, account.identifier]) {
      expect(stored).not.toContain(clear);
    }

    const codec = new AesGcmCodec(h.config.payloadCodec);
    const decoded = texts(await codec.decode(payloads(history))).join('\n');
    expect(decoded).toContain(account.numic); // the codec really opens the payloads...
    for (const secretValue of [secret, account.password, 'Faux-mot-de-passe']) expect(decoded).not.toContain(secretValue);
  });
});
