/**
 * Dependencies for route tests: the real shared store (the test run's Redis) and the real speech
 * synthesizer, with a renewal API whose answers each test scripts, accounts in memory (real argon2
 * hashes), a mailer that records and a silent logger.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import type { Email } from '../../adapters/mailer.js';
import { hashPassword } from '../../adapters/passwords.js';
import { connectStore, type Store } from '../../adapters/redis.js';
import { createAccountLogin } from '../../client/accounts.js';
import type { SubmissionOutcome, SubmissionResult } from '../../client/renewals.js';
import { loadConfig, type Config } from '../../config/index.js';
import type { LinkState, RenewalKind } from '../../workflows/definitions.js';
import { createCodeSpeech } from '../../web/captcha/audio.js';
import type { RenewalApi, WebDeps } from '../../web/types.js';

let scratchDir: string | undefined;

/** Configuration for route tests: the test run's Redis, secrets in a scratch folder, client addresses from X-Forwarded-For. */
export function routeTestConfig(overrides: Record<string, string> = {}): Config {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'web-routes-'));
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: scratchDir,
    PUBLIC_BASE_URL: 'http://localhost:13000',
    CAPTCHA_TEST_HOOK: 'true',
    TRUST_PROXY: 'true',
    REDIS_PORT: process.env.REDIS_PORT ?? '16379',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...overrides,
  });
}

const stores = new Map<string, Promise<Store>>();
/** One connection per store URL for the whole test file, closed after it. */
export function testStore(url = routeTestConfig().store.url): Promise<Store> {
  let store = stores.get(url);
  if (!store) {
    store = connectStore(url);
    stores.set(url, store);
  }
  return store;
}
afterAll(async () => {
  for (const store of stores.values()) (await store).disconnect();
  stores.clear();
});

export class FakeRenewals implements RenewalApi {
  requests: { kind: RenewalKind; numic: string; email: string }[] = [];
  submitted: { kind: RenewalKind; token: string; secret: string }[] = [];
  linkStates: LinkState[] = [];
  linkStateCalls = 0;
  state: LinkState = { status: 'open', kind: 'identifier', expiresAt: new Date(Date.now() + 60 * 60_000).toISOString(), attemptsLeft: 3 };
  submitResults: SubmissionResult[] = [];
  /** Outcomes read back by update ID, in order; the update IDs the web gave. */
  outcomes: SubmissionOutcome[] = [];
  updateIds: string[] = [];
  readBack: { token: string; updateId: string }[] = [];

  async requestRenewal(input: { kind: RenewalKind; numic: string; email: string }) {
    this.requests.push(input);
    return { status: 'accepted' as const };
  }
  async linkState(kind: RenewalKind, _token: string) {
    this.linkStateCalls++;
    return this.state.status === 'open' ? { ...this.state, kind } : this.state;
  }
  async submitSecret(kind: RenewalKind, token: string, secret: string, updateId?: string) {
    this.submitted.push({ kind, token, secret });
    if (updateId) this.updateIds.push(updateId);
    const next = this.submitResults.shift();
    if (!next) throw new Error('no scripted submitSecret result');
    return next;
  }
  async submissionOutcome(token: string, updateId: string) {
    this.readBack.push({ token, updateId });
    const next = this.outcomes.shift();
    if (!next) throw new Error('no scripted submissionOutcome result');
    return next;
  }
}

export class RecordingMailer {
  sent: Email[] = [];
  failing = false;
  async send(email: Email) {
    if (this.failing) throw new Error('SMTP down');
    this.sent.push(email);
  }
}

export interface FakeAccount {
  identifier: string;
  password: string;
}

/** The login service over accounts held in memory (an in-memory stand-in of the registry's two reads). */
export async function fakeAccounts(accounts: FakeAccount[]) {
  const stored = await Promise.all(
    accounts.map(async (a, i) => ({
      id: `account-${i}`,
      numic: '',
      email: '',
      phone: '',
      identifier: a.identifier,
      passwordHash: await hashPassword(a.password),
    })),
  );
  const login = createAccountLogin({
    findByIdentifier: async (identifier) => stored.find((a) => a.identifier === identifier) ?? null,
    findById: async (id) => stored.find((a) => a.id === id) ?? null,
  });
  return Object.assign(login, {
    /** Changes an account's password, as a renewal would. */
    async changePassword(identifier: string, password: string) {
      const account = stored.find((a) => a.identifier === identifier)!;
      account.passwordHash = await hashPassword(password);
    },
  });
}

export async function fakeDeps(
  overrides: Partial<WebDeps> & { config?: Config } = {},
): Promise<WebDeps & { renewals: FakeRenewals; mailer: RecordingMailer }> {
  const config = overrides.config ?? routeTestConfig();
  return {
    accounts: await fakeAccounts([]),
    store: await testStore(config.store.url),
    speech: createCodeSpeech(),
    web: config.web,
    cookieSecret: config.cookieSecret,
    renewal: config.renewal,
    helpdeskEmail: config.smtp.helpdesk,
    logger: pino({ level: 'silent' }),
    ...overrides,
    renewals: (overrides.renewals as FakeRenewals | undefined) ?? new FakeRenewals(),
    mailer: (overrides.mailer as RecordingMailer | undefined) ?? new RecordingMailer(),
  };
}
