/**
 * `npm run record-histories -- <folder>` (with `npm start` running): drives every path of the
 * renewal workflow on the running dev server with a real worker, and writes each run's history,
 * payloads decoded, into test/histories/<folder>/<path>.json for the replay test. Demo accounts
 * only. One folder per version of the workflow code: the older ones prove that its patches still
 * replay the runs started before them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { decodedHistoryJson } from '../../codec/decode-history.js';
import { loadConfig } from '../../config/index.js';
import { connectDevServer, startRenewalHarness, type RenewalHarness } from '../workflow/harness.js';

type Scenario = (h: RenewalHarness) => Promise<string>; // returns the workflow ID

async function opened(h: RenewalHarness) {
  const account = await h.createAccount();
  await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
  const token = await h.linkToken(account.email);
  await h.renewals.openLink(token);
  return { account, token };
}

const scenarios: Record<string, { env?: Record<string, string>; run: Scenario }> = {
  completed: {
    async run(h) {
      const { account, token } = await opened(h);
      await h.renewals.submitPassword(token, 'mauvais-mot-de-passe');
      await h.renewals.submitPassword(token, account.password);
      return account.workflowId;
    },
  },
  'concurrent-passwords': {
    async run(h) {
      const { account, token } = await opened(h);
      await Promise.all([h.renewals.submitPassword(token, account.password), h.renewals.submitPassword(token, account.password)]);
      return account.workflowId;
    },
  },
  'no-match': {
    async run(h) {
      const account = await h.createAccount();
      await h.renewals.requestRenewal({ numic: account.numic, email: 'autre@example.org' });
      return account.workflowId;
    },
  },
  'link-expired': {
    env: { LINK_TTL: '2s' },
    async run(h) {
      const account = await h.createAccount();
      await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
      return account.workflowId;
    },
  },
  'password-step-expired': {
    env: { PASSWORD_STEP_TTL: '2s' },
    async run(h) {
      const { account } = await opened(h);
      return account.workflowId;
    },
  },
  'superseded-then-completed': {
    async run(h) {
      const account = await h.createAccount();
      await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
      const first = await h.linkToken(account.email, 1);
      await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
      const second = await h.linkToken(account.email, 2);
      await h.renewals.openLink(first);
      await h.renewals.openLink(second);
      await h.renewals.submitPassword(second, account.password);
      return account.workflowId;
    },
  },
  locked: {
    async run(h) {
      const { account, token } = await opened(h);
      for (const attempt of ['faux-1', 'faux-2', 'faux-3']) await h.renewals.submitPassword(token, attempt);
      return account.workflowId;
    },
  },
  'rate-limited-then-cancelled': {
    async run(h) {
      const account = await h.createAccount();
      for (let i = 1; i <= 4; i++) {
        await h.renewals.requestRenewal({ numic: account.numic, email: account.email });
        if (i <= 3) await h.linkToken(account.email, i);
      }
      await h.renewals.resendLink(account.workflowId);
      await h.renewals.cancel(account.workflowId, 'enregistrement de l’historique');
      return account.workflowId;
    },
  },
};

const folder = process.argv[2];
if (!folder || !/^[\w.-]+$/.test(folder)) {
  console.error('Usage: npm run record-histories -- <folder>   (e.g. 3-my-change: test/histories/3-my-change/)');
  process.exit(2);
}
const target = new URL(`./${folder}/`, import.meta.url);
await mkdir(target, { recursive: true });

const dev = await connectDevServer();
const codec = new AesGcmCodec(loadConfig(process.env).payloadCodec);
try {
  for (const [name, scenario] of Object.entries(scenarios)) {
    const h = await startRenewalHarness({ ...dev, env: scenario.env });
    try {
      const workflowId = await scenario.run(h);
      const { outcome } = await h.renewals.result(workflowId);
      const history = await dev.client.workflow.getHandle(workflowId).fetchHistory();
      await writeFile(new URL(`${name}.json`, target), `${await decodedHistoryJson(history, codec)}\n`);
      console.log(`${name}: ${outcome}, ${history.events?.length} events`);
    } finally {
      await h.stop();
    }
  }
} finally {
  await dev.close();
}
