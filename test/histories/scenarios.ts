/**
 * Every path of the renewal workflow, both kinds, driven through the client API with a real worker:
 * what `npm run record-histories` records (record.ts) and what the history-secrets test runs.
 */
import type { RenewalKind } from '../../workflows/definitions.js';
import type { RenewalHarness } from '../support/renewal-harness.js';

type Account = Awaited<ReturnType<RenewalHarness['createAccount']>>;

/** What a scenario leaves behind: the run to record (its workflow ID, the run when not the latest) and the account it used. */
export interface ScenarioRun {
  workflowId: string;
  runId?: string;
  account: Account;
}

type Scenario = (h: RenewalHarness) => Promise<ScenarioRun>;

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
    return { workflowId: account.workflowId, account };
  };
}

function concurrentSecrets(kind: RenewalKind): Scenario {
  return async (h) => {
    const { account, token } = await requested(h, kind);
    await Promise.all([h.renewals.submitSecret(kind, token, secretOf(kind, account)), h.renewals.submitSecret(kind, token, secretOf(kind, account))]);
    await h.outcome(account.workflowId);
    return { workflowId: account.workflowId, account };
  };
}

function noMatch(kind: RenewalKind): Scenario {
  return async (h) => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind, numic: account.numic, email: 'autre@example.org' });
    await h.outcome(account.workflowId);
    return { workflowId: account.workflowId, account };
  };
}

function locked(kind: RenewalKind): Scenario {
  return async (h) => {
    const { account, token } = await requested(h, kind);
    for (const attempt of ['FAUX-FAUX-FAU1', 'FAUX-FAUX-FAU2', 'FAUX-FAUX-FAU3']) await h.renewals.submitSecret(kind, token, attempt);
    await h.outcome(account.workflowId);
    await h.waitForEmails(account.email, 'Demande bloquée');
    return { workflowId: account.workflowId, account };
  };
}

/** Every path of the renewal workflow, both kinds. */
export const SCENARIOS: Record<string, Scenario> = {
  ...perKind('completed', completed),
  ...perKind('concurrent-secrets', concurrentSecrets),
  ...perKind('no-match', noMatch),
  ...perKind('locked', locked),
  'link-expired': async (h) => {
    const { account } = await requested(h, 'identifier', h.clientWithPolicy({ linkTtlMs: 2_000 }));
    await h.outcome(account.workflowId);
    return { workflowId: account.workflowId, account };
  },
  'superseded-then-completed': async (h) => {
    const { account, token: first } = await requested(h, 'identifier');
    await h.renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    const second = await h.linkToken(account.email, 2);
    await h.renewals.submitSecret('identifier', first, account.password);
    await h.renewals.submitSecret('identifier', second, account.password);
    await h.outcome(account.workflowId);
    return { workflowId: account.workflowId, account };
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
    return { workflowId: account.workflowId, account };
  },
  'other-kind-refused-in-progress': async (h) => {
    const { account, token } = await requested(h, 'identifier');
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment');
    await h.renewals.submitSecret('identifier', token, account.password);
    await h.outcome(account.workflowId);
    return { workflowId: account.workflowId, account };
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
    return { workflowId: account.workflowId, runId, account }; // the first run, which continued as new
  },
  'lockout-bound-refused': async (h) => {
    const renewals = h.clientWithPolicy({ lockoutLimit: 1 });
    const { account, token } = await requested(h, 'password', renewals);
    for (const attempt of ['FAUX-FAUX-FAU1', 'FAUX-FAUX-FAU2', 'FAUX-FAUX-FAU3']) await renewals.submitSecret('password', token, attempt);
    await h.outcome(account.workflowId);
    await renewals.requestRenewal({ kind: 'identifier', numic: account.numic, email: account.email });
    await h.waitForEmails(account.email, 'impossible pour le moment');
    return { workflowId: account.workflowId, account };
  },
};
