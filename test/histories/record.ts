/**
 * `npm run record-histories -- <folder>` (with `npm start` running): drives every path of the
 * renewal workflow, both kinds, on the running dev server with a real worker, and writes each run's
 * history, payloads decoded, into test/histories/<folder>/<path>.json for the replay test. Demo
 * accounts only. One folder per version of the workflow code: the older ones prove that its patches
 * still replay the runs started before them.
 *
 * A run whose attempt ended usually rests (the account's memory: cooldown, lock-outs, the emails'
 * hour): it is recorded as it stands then, a history still running, which replays just the same.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { decodedHistoryJson } from '../../codec/decode-history.js';
import { loadConfig } from '../../config/index.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { connectDevServer, startRenewalHarness, type RenewalHarness } from '../workflow/harness.js';

type Scenario = (h: RenewalHarness) => Promise<string>; // returns the workflow ID

type Account = Awaited<ReturnType<RenewalHarness['createAccount']>>;
const secretOf = (kind: RenewalKind, account: Account) => (kind === 'identifier' ? account.password : account.identifier);

async function requested(h: RenewalHarness, kind: RenewalKind, renewals = h.renewals) {
  const account = await h.createAccount();
  await renewals.requestRenewal({ kind, numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email, 1, kind);
  return { account, token };
}

const perKind = (name: string, make: (kind: RenewalKind) => Scenario): Record<string, Scenario> => ({
  [`identifier-${name}`]: make('identifier'),
  [`password-${name}`]: make('password'),
});

function completed(kind: RenewalKind): Scenario {
  return async (h) => {
    const { account, token } = await requested(h, kind);
    await h.renewals.submitSecret(kind, token, 'FAUX-FAUX-FAUX');
    await h.renewals.submitSecret(kind, token, secretOf(kind, account));
    await h.outcome(account.workflowId);
    return account.workflowId;
  };
}

function concurrentSecrets(kind: RenewalKind): Scenario {
  return async (h) => {
    const { account, token } = await requested(h, kind);
    await Promise.all([h.renewals.submitSecret(kind, token, secretOf(kind, account)), h.renewals.submitSecret(kind, token, secretOf(kind, account))]);
    await h.outcome(account.workflowId);
    return account.workflowId;
  };
}

function noMatch(kind: RenewalKind): Scenario {
  return async (h) => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: 'autre@example.org' });
    await h.outcome(account.workflowId);
    return account.workflowId;
  };
}

function locked(kind: RenewalKind): Scenario {
  return async (h) => {
    const { account, token } = await requested(h, kind);
    for (const attempt of ['FAUX-FAUX-FAU1', 'FAUX-FAUX-FAU2', 'FAUX-FAUX-FAU3']) await h.renewals.submitSecret(kind, token, attempt);
    await h.outcome(account.workflowId);
    await h.waitForEmails(account.email, 'Demande bloquée');
    return account.workflowId;
  };
}

const scenarios: Record<string, Scenario> = {
  ...perKind('completed', completed),
  ...perKind('concurrent-secrets', concurrentSecrets),
  ...perKind('no-match', noMatch),
  ...perKind('locked', locked),
  'link-expired': async (h) => {
    const { account } = await requested(h, 'identifier', h.clientWithPolicy({ linkTtlMs: 2_000 }));
    await h.outcome(account.workflowId);
    return account.workflowId;
  },
  'superseded-then-completed': async (h) => {
    const { account, token: first } = await requested(h, 'identifier');
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const second = await h.linkToken(account.email, 2);
    await h.renewals.submitSecret('identifier', first, account.password);
    await h.renewals.submitSecret('identifier', second, account.password);
    await h.outcome(account.workflowId);
    return account.workflowId;
  },
  'rate-limited-then-cancelled-then-lifted': async (h) => {
    const account = await h.createAccount();
    for (let i = 1; i <= 4; i++) {
      await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
      if (i <= 3) await h.linkToken(account.email, i);
    }
    await h.renewals.resendLink(account.workflowId);
    await h.renewals.cancel(account.workflowId, 'enregistrement de l’historique');
    await h.outcome(account.workflowId);
    await h.renewals.cancel(account.workflowId, 'levée du délai par la cellule d’assistance');
    await h.client.workflow.getHandle(account.workflowId).result();
    return account.workflowId;
  },
  'other-kind-refused-in-progress': async (h) => {
    const { account, token } = await requested(h, 'identifier');
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment');
    await h.renewals.submitSecret('identifier', token, account.password);
    await h.outcome(account.workflowId);
    return account.workflowId;
  },
  'cooldown-refused-then-same-kind-continues': async (h) => {
    const { account, token } = await requested(h, 'identifier');
    await h.renewals.submitSecret('identifier', token, account.password);
    await h.outcome(account.workflowId);
    const { runId } = await h.client.workflow.getHandle(account.workflowId).describe();
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment');
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    await h.linkToken(account.email, 2);
    return `${account.workflowId}/${runId}`; // the first run, which continued as new
  },
  'lockout-bound-refused': async (h) => {
    const renewals = h.clientWithPolicy({ lockoutLimit: 1 });
    const { account, token } = await requested(h, 'password', renewals);
    for (const attempt of ['FAUX-FAUX-FAU1', 'FAUX-FAUX-FAU2', 'FAUX-FAUX-FAU3']) await renewals.submitSecret('password', token, attempt);
    await h.outcome(account.workflowId);
    await renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment');
    return account.workflowId;
  },
};

const folder = process.argv[2];
if (!folder || !/^[\w.-]+$/.test(folder)) {
  console.error('Usage: npm run record-histories -- <folder>   (e.g. 5-my-change: test/histories/5-my-change/)');
  process.exit(2);
}
const target = new URL(`./${folder}/`, import.meta.url);
await mkdir(target, { recursive: true });

const dev = await connectDevServer();
const codec = new AesGcmCodec(loadConfig(process.env).payloadCodec);
const h = await startRenewalHarness(dev);
try {
  for (const [name, scenario] of Object.entries(scenarios)) {
    const [workflowId, runId] = (await scenario(h)).split('/');
    const handle = dev.client.workflow.getHandle(workflowId!, runId);
    const history = await handle.fetchHistory();
    await writeFile(new URL(`${name}.json`, target), `${await decodedHistoryJson(history, codec)}\n`);
    console.log(`${name}: ${(await handle.describe()).status.name}, ${history.events?.length} events`);
  }
} finally {
  await h.stop();
  await dev.close();
}
