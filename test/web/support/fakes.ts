/**
 * Scratch dependencies for route tests: a renewal API whose answers each test scripts, accounts
 * in memory (real argon2 hashes), a mailer that records, a silent logger.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { hashPassword } from '../../../adapters/passwords.js';
import type { Email } from '../../../adapters/mailer.js';
import { loadConfig, type Config } from '../../../config/index.js';
import type { OpenLinkResult, SubmitPasswordResult } from '../../../workflows/definitions.js';
import type { RenewalApi, WebDeps } from '../../../web/types.js';

let scratchDir: string | undefined;

/** Configuration for route tests: no server needed, secrets in a scratch folder. */
export function routeTestConfig(overrides: Record<string, string> = {}): Config {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'web-routes-'));
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: scratchDir,
    PUBLIC_BASE_URL: 'http://localhost:13000',
    CAPTCHA_TEST_HOOK: 'true',
    ...overrides,
  });
}

export class FakeRenewals implements RenewalApi {
  requests: { numic: string; email: string }[] = [];
  submitted: { token: string; password: string }[] = [];
  openResult: OpenLinkResult = { status: 'open', passwordDeadline: new Date(Date.now() + 15 * 60_000).toISOString(), attemptsLeft: 3 };
  submitResults: SubmitPasswordResult[] = [];

  async requestRenewal(input: { numic: string; email: string }) {
    this.requests.push(input);
    return { status: 'accepted' as const };
  }
  async openLink(_token: string) {
    return this.openResult;
  }
  async submitPassword(token: string, password: string) {
    this.submitted.push({ token, password });
    const next = this.submitResults.shift();
    if (!next) throw new Error('no scripted submitPassword result');
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

export async function fakeAccounts(accounts: FakeAccount[]) {
  const stored = await Promise.all(accounts.map(async (a) => ({ identifier: a.identifier, passwordHash: await hashPassword(a.password) })));
  return {
    async findByIdentifier(identifier: string) {
      return stored.find((a) => a.identifier === identifier) ?? null;
    },
  };
}

export function fakeDeps(overrides: Partial<WebDeps> & { config?: Config } = {}): WebDeps & {
  renewals: FakeRenewals;
  mailer: RecordingMailer;
} {
  const config = overrides.config ?? routeTestConfig();
  return {
    accounts: { findByIdentifier: async () => null },
    web: config.web,
    renewal: config.renewal,
    helpdeskEmail: config.smtp.helpdesk,
    logger: pino({ level: 'silent' }),
    ...overrides,
    renewals: (overrides.renewals as FakeRenewals | undefined) ?? new FakeRenewals(),
    mailer: (overrides.mailer as RecordingMailer | undefined) ?? new RecordingMailer(),
  };
}
