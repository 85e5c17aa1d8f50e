/**
 * A real renewal worker (real activities: the registry, Mailpit, a scratch SMS outbox) on its own
 * task queue, and the client API, for the workflow tests. Each test makes its own account, so
 * test files share the servers without seeing each other's renewals.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectTemporal } from '../../client/connect.js';
import { loadConfig, type Config } from '../../config/index.js';
import { renewalClientFor } from '../../client/renewals.js';
import { createSmtpMailer, type Mailer } from '../../adapters/mailer.js';
import { connectRegistry } from '../../adapters/registry.js';
import { hashPassword } from '../../adapters/passwords.js';
import { createDevSmsProvider } from '../../adapters/sms/dev-provider.js';
import { createFieldOpener } from '../../codec/sealed-field.js';
import { randomIdentifier } from '../../domain/identifier.js';
import { LINK_EMAIL_SUBJECT } from '../../copy/emails.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import type { RenewalKind, RenewalResult } from '../../workflows/definitions.js';
import { createRenewalWorker } from '../../worker/create-worker.js';
import { workflowBundleOptions } from '../../worker/workflow-bundle.js';
import { waitForMessages } from './mailpit.js';
import { quietTemporalRuntime } from './temporal.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One webpack bundle per test file instead of one per worker. */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ ...workflowBundleOptions, logger: quietLogger }));

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Client and worker connections to the test run's dev server (vitest's global setup started it). */
export async function connectDevServer() {
  quietTemporalRuntime();
  const config = loadConfig(process.env);
  const temporal = await connectTemporal(config);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  return {
    client: temporal.client,
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await temporal.close();
    },
  };
}

export type DevServer = Awaited<ReturnType<typeof connectDevServer>>;

export interface HarnessOptions {
  nativeConnection: NativeConnection;
  client: Client;
  env?: Record<string, string>;
  /** Join an existing task queue (a worker restarted after a crash); a fresh one by default. */
  taskQueue?: string;
  /** Wraps the real mailer the activities use (a test may hold an activity after its email went). */
  wrapMailer?: (mailer: Mailer) => Mailer;
}

export async function startRenewalHarness({
  nativeConnection,
  client,
  env = {},
  taskQueue: joinQueue,
  wrapMailer = (m) => m,
}: HarnessOptions) {
  quietTemporalRuntime();
  const config: Config = loadConfig({ ...process.env, ...env });
  const taskQueue = joinQueue ?? `renouvellements-${randomUUID()}`;
  const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  await registry.ensureIndexes();
  const smtp = createSmtpMailer(config.smtp);
  const mailer = wrapMailer(smtp);
  const sms = createDevSmsProvider(mkdtempSync(join(tmpdir(), 'sms-')));
  const dependencies = {
    registry,
    mailer,
    sms,
    sealer: createFieldOpener(config.fieldOpen),
    linkKey: config.linkKey,
    linkSecretKey: config.fieldOpen.linkSecretKey,
    publicBaseUrl: config.web.publicBaseUrl,
    helpdeskEmail: config.smtp.helpdesk,
  };
  const worker = await createRenewalWorker({
    config,
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: dependencies,
  });
  const running = worker.run();
  const renewals = renewalClientFor(client, config, { taskQueue });

  return {
    config,
    client,
    registry,
    renewals,
    sms,
    /** The worker's activity dependencies (real adapters), for tests that call activities directly. */
    dependencies,
    taskQueue,

    /** A client of the same task queue whose renewals start with another policy (their input). */
    clientWithPolicy(policy: Partial<Config['renewal']>) {
      return renewalClientFor(client, config, { taskQueue, policy: { ...config.renewal, ...policy } });
    },

    /** A fresh account of the registry, unique to the calling test. */
    async createAccount(password = 'Mot-de-passe-SMS-1') {
      const numic = String(randomInt(1e9, 1e10));
      const account = await registry.create({
        numic,
        email: `citoyen.${numic}@example.org`,
        phone: `+3361${numic.slice(0, 8)}`,
        identifier: randomIdentifier(),
        passwordHash: await hashPassword(password),
      });
      return { ...account, password, workflowId: renewals.workflowIdFor(numic) };
    },

    /** Waits for the n-th renewal email of this kind to `email` and returns the token of its link. */
    async linkToken(email: string, count = 1, kind: RenewalKind = 'identifier'): Promise<string> {
      const messages = await waitForMessages(config, { to: email, subject: LINK_EMAIL_SUBJECT[kind], count });
      const newest = messages[0]!;
      const match = new RegExp(`${config.web.publicBaseUrl}${RENEWAL_PATHS[kind].link}/(\\S+)`).exec(newest.text);
      if (!match) throw new Error(`no renewal link in the email: ${newest.text}`);
      return match[1]!;
    },

    /** Waits until `count` emails whose subject contains `subject` reached `email`; newest first. */
    waitForEmails(email: string, subject: string, count = 1) {
      return waitForMessages(config, { to: email, subject, count });
    },

    /**
     * Waits until the account's renewal attempt has ended (the run then rests while its memory
     * matters, or closes) and returns its outcome, read from the `status` query.
     */
    async outcome(workflowId: string, timeoutMs = 20_000): Promise<RenewalResult> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await renewals.status(workflowId);
        if (status.status === 'found' && status.outcome) return { kind: status.kind, outcome: status.outcome };
        if (Date.now() > deadline) throw new Error(`the renewal ${workflowId} has not ended: ${JSON.stringify(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },

    async stop() {
      worker.shutdown();
      await running;
      smtp.close();
      await registry.close();
    },
  };
}

export type RenewalHarness = Awaited<ReturnType<typeof startRenewalHarness>>;
