/**
 * A crash delays a renewal, never loses it: the SMTP server down when the link is sent, the SMS
 * gateway down when the notices (or the new password) go, and the worker gone between the email
 * and the click. Real servers throughout.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { ActivityDependencies } from '../../activities/dependencies.js';
import { createDevSmsProvider } from '../../adapters/sms/dev-provider.js';
import { credentialChangedEmail } from '../../copy/emails.js';
import { canonicalGeneratedPassword } from '../../domain/password.js';
import { verifyPassword } from '../../adapters/passwords.js';
import { mailpit } from '../../dev/stack/servers.js';
import { listMessages } from '../support/mailpit.js';
import { Stack } from '../../dev/stack/stack.js';
import { connectDevServer, startRenewalHarness, type DevServer } from '../support/renewal-harness.js';
import { freePort } from '../support/ports.js';

let dev: DevServer;

beforeAll(async () => {
  dev = await connectDevServer();
});

afterAll(async () => {
  await dev?.close();
});

/** Polls `check` until it holds, or fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The activities on these dependencies, each call run as one attempt in Temporal's activity test environment. */
function attemptsWith(dependencies: ActivityDependencies) {
  const activities = createActivities(dependencies);
  const env = new MockActivityEnvironment();
  return {
    env,
    notifyChange: (input: Parameters<typeof activities.notifyChange>[0]) => env.run(activities.notifyChange, input),
  };
}

describe('resilience', () => {
  it('sends the link once the SMTP server comes back', async () => {
    const smtpPort = await freePort();
    const uiPort = await freePort();
    const env = { SMTP_PORT: String(smtpPort), MAILPIT_UI_PORT: String(uiPort) };
    const h = await startRenewalHarness({ ...dev, env });
    const smtpData = mkdtempSync(join(tmpdir(), 'smtp-down-'));
    const smtp = new Stack(smtpData);
    try {
      const account = await h.createAccount();
      await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      // The send fails and is retried: the activity has failed at least once, nothing is lost.
      await eventually(async () => {
        const { pendingActivities } = await dev.client.workflow
          .getHandle(account.workflowId)
          .describe()
          .then((d) => d.raw);
        return (pendingActivities ?? []).some((a) => a.activityType?.name === 'emailRenewalLink' && (a.attempt ?? 0) >= 2);
      });
      expect(await h.renewals.status(account.workflowId)).toMatchObject({ stage: 'waiting-for-link', linksSent: 0 });

      await smtp.start([mailpit({ ...h.config, dataDir: smtpData })]);
      const token = await h.linkToken(account.email);
      expect(await h.renewals.linkState('identifier', token)).toMatchObject({ status: 'open' });
      expect((await h.renewals.submitSecret('identifier', token, account.password)).status).toBe('completed');
    } finally {
      await h.stop();
      await smtp.stop();
    }
  });

  it('retries only the notice that failed: no second email when the SMS gateway comes back', async () => {
    const h = await startRenewalHarness(dev);
    try {
      const account = await h.createAccount();
      const renewalId = `${account.workflowId}/notices-test`;
      const activitiesWith = (smsDir: string) => attemptsWith({ ...h.dependencies, sms: createDevSmsProvider(smsDir) });
      const notices = () =>
        listMessages(h.config, { to: account.email, subject: credentialChangedEmail('identifier', h.config.smtp.helpdesk).subject });

      // The gateway is down: a file where its outbox folder should be.
      const scratch = mkdtempSync(join(tmpdir(), 'sms-'));
      writeFileSync(join(scratch, 'down'), '');
      await expect(
        activitiesWith(join(scratch, 'down')).notifyChange({ accountId: account.id, renewalId, kind: 'identifier' }),
      ).rejects.toThrow(/SMS/);
      expect(await notices()).toHaveLength(1);

      const up = createDevSmsProvider(join(scratch, 'up'));
      await activitiesWith(join(scratch, 'up')).notifyChange({ accountId: account.id, renewalId, kind: 'identifier' });
      await activitiesWith(join(scratch, 'up')).notifyChange({ accountId: account.id, renewalId, kind: 'identifier' });
      expect(await notices()).toHaveLength(1);
      expect((await up.read()).map((sms) => sms.to)).toEqual([account.phone]);
    } finally {
      await h.stop();
    }
  });

  it('sends the change notice once when the registry goes away right after it was sent: the attempt waits, heartbeating', async () => {
    const h = await startRenewalHarness(dev);
    try {
      const account = await h.createAccount();
      const renewalId = `${account.workflowId}/registry-blip-test`;
      // The registry answers again only after three failed writes of the "sent" marker.
      let failuresLeft = 3;
      const registry = Object.create(h.registry) as typeof h.registry;
      registry.markNotificationSent = (accountId, key) =>
        failuresLeft-- > 0 ? Promise.reject(new Error('registry unreachable')) : h.registry.markNotificationSent(accountId, key);
      const attempts = attemptsWith({ ...h.dependencies, registry });
      let heartbeats = 0;
      attempts.env.on('heartbeat', () => heartbeats++);

      await attempts.notifyChange({ accountId: account.id, renewalId, kind: 'identifier' });
      await attempts.notifyChange({ accountId: account.id, renewalId, kind: 'identifier' }); // a later retry sends nothing
      const notices = await listMessages(h.config, {
        to: account.email,
        subject: credentialChangedEmail('identifier', h.config.smtp.helpdesk).subject,
      });
      expect(notices).toHaveLength(1);
      expect(failuresLeft).toBeLessThan(0);
      expect(heartbeats).toBeGreaterThanOrEqual(3);
      expect(await h.registry.hasSentNotification(account.id, `${renewalId}:email`)).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('sends exactly one new password, the one stored, when the SMS gateway was down and comes back', async () => {
    const h = await startRenewalHarness(dev);
    try {
      const account = await h.createAccount();
      const renewalId = `${account.workflowId}/password-sms-test`;
      const scratch = mkdtempSync(join(tmpdir(), 'sms-'));
      writeFileSync(join(scratch, 'down'), ''); // the gateway is down: a file where its outbox folder should be
      const down = attemptsWith({ ...h.dependencies, sms: createDevSmsProvider(join(scratch, 'down')) });
      const upProvider = createDevSmsProvider(join(scratch, 'up'));
      const up = attemptsWith({ ...h.dependencies, sms: upProvider });
      const { issueNewPassword } = createActivities(h.dependencies);

      await issueNewPassword({ accountId: account.id, renewalId });
      await issueNewPassword({ accountId: account.id, renewalId }); // a retry draws nothing new
      const stored = (await h.registry.findById(account.id))!.passwordHash;
      expect(await verifyPassword(stored, account.password)).toBe(false); // the old one died at once
      await expect(down.notifyChange({ accountId: account.id, renewalId, kind: 'password' })).rejects.toThrow(/SMS/);
      await expect(down.notifyChange({ accountId: account.id, renewalId, kind: 'password' })).rejects.toThrow(/SMS/);
      expect(await h.registry.issuedPassword(renewalId)).toMatch(/^sealed:/); // kept, sealed, until it has gone

      await up.notifyChange({ accountId: account.id, renewalId, kind: 'password' });
      await up.notifyChange({ accountId: account.id, renewalId, kind: 'password' });
      const sent = await upProvider.read();
      expect(sent).toHaveLength(1);
      const password = canonicalGeneratedPassword(/est (\S+) \./.exec(sent[0]!.text)![1]!)!;
      expect(await verifyPassword((await h.registry.findById(account.id))!.passwordHash, password)).toBe(true);
      expect(await verifyPassword(stored, password)).toBe(true);
      expect(await h.registry.issuedPassword(renewalId)).toBeUndefined();
      const notices = await listMessages(h.config, {
        to: account.email,
        subject: credentialChangedEmail('password', h.config.smtp.helpdesk).subject,
      });
      expect(notices).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  it('carries on with another worker after the first one has gone', async () => {
    const first = await startRenewalHarness(dev);
    const account = await first.createAccount();
    await first.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const token = await first.linkToken(account.email);
    await first.stop();

    const second = await startRenewalHarness({ ...dev, taskQueue: first.taskQueue });
    try {
      expect(await second.renewals.linkState('identifier', token)).toMatchObject({ status: 'open' });
      const result = await second.renewals.submitSecret('identifier', token, account.password);
      expect(result.status).toBe('completed');
      expect(await second.outcome(account.workflowId)).toEqual({ kind: 'identifier', outcome: 'completed' });
    } finally {
      await second.stop();
    }
  });
});
