/**
 * Every timer of the renewal, just before and just after its bound, on the Java time-skipping
 * test server. Awaiting an update does not skip time there, so time moves with `env.sleep`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/index.js';
import { timeSkippingEnv } from '../support/temporal.js';
import { startRenewalHarness, type RenewalHarness } from './harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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

async function requestedRenewal() {
  const account = await h.createAccount();
  await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
  return { account, token: await h.linkToken(account.email) };
}

describe('link expiry (1 hour)', () => {
  it('opens a link one minute before it expires', async () => {
    const { token } = await requestedRenewal();
    await env.sleep(HOUR - MINUTE);
    expect(await h.renewals.openLink(token)).toMatchObject({ status: 'open', attemptsLeft: 3 });
  });

  it('refuses it one second after, and the renewal ends as expired', async () => {
    const { account, token } = await requestedRenewal();
    await env.sleep(HOUR + 1_000);
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'expired' });
    expect(await h.renewals.openLink(token)).toEqual({ status: 'dead', reason: 'expired' });
  });
});

describe('password step (15 minutes after the link is opened)', () => {
  it('accepts the password one minute before the end of the step', async () => {
    const { account, token } = await requestedRenewal();
    await env.sleep(50 * MINUTE); // the step's clock starts at opening, not at sending
    await h.renewals.openLink(token);
    await env.sleep(14 * MINUTE);
    expect(await h.renewals.submitPassword(token, account.password)).toMatchObject({ status: 'completed' });
  });

  it('refuses it one second after, and the renewal ends as expired', async () => {
    const { account, token } = await requestedRenewal();
    const opened = await h.renewals.openLink(token);
    expect(opened.status).toBe('open');
    await env.sleep(15 * MINUTE + 1_000);
    expect(await h.renewals.result(account.workflowId)).toEqual({ outcome: 'expired' });
    expect(await h.renewals.submitPassword(token, account.password)).toEqual({ status: 'dead', reason: 'expired' });
    expect((await h.registry.findById(account.id))?.identifier).toBe(account.identifier);
  });
});

describe('emails per account (3 per rolling hour)', () => {
  it('refuses a fourth link within the hour and sends one again once the oldest is an hour old', async () => {
    // A 2-hour link outlives the 1-hour window, so the renewal is still waiting when it reopens.
    const harness = await startRenewalHarness({ nativeConnection: env.nativeConnection, client: env.client, env: { LINK_TTL: '2h' } });
    try {
      const account = await harness.createAccount();
      const request = () => harness.renewals.requestRenewal({ numic: account.numic, email: account.email });
      for (let i = 1; i <= 4; i++) {
        await request();
        if (i <= 3) await harness.linkToken(account.email, i);
      }
      expect(await harness.renewals.resendLink(account.workflowId)).toEqual({ status: 'refused', reason: 'rate-limited' });
      expect(await harness.renewals.status(account.workflowId)).toMatchObject({ linksSent: 3 });

      await env.sleep(HOUR - MINUTE);
      expect(await harness.renewals.resendLink(account.workflowId)).toEqual({ status: 'refused', reason: 'rate-limited' });

      await env.sleep(2 * MINUTE);
      expect(await harness.renewals.resendLink(account.workflowId)).toEqual({ status: 'sent' });
      const fourth = await harness.linkToken(account.email, 4);
      expect(await harness.renewals.openLink(fourth)).toMatchObject({ status: 'open' });
    } finally {
      await harness.stop();
    }
  });
});
