import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../codec/sealed-field.js';
import {
  ConfigError,
  loadCodecServerConfig,
  loadConfig,
  loadOpsConfig,
  loadSeedConfig,
  loadWebConfig,
  loadWorkerConfig,
} from '../../config/index.js';
import { freshProductionSecrets } from '../../config/secrets.js';
import { repoRoot } from '../../dev/stack/paths.js';

const scratch = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'config-')) });
/** Every production secret, each its own. */
const SECRETS = freshProductionSecrets();
type Secret = keyof typeof SECRETS;
const production = (secrets: readonly Secret[], extra: Record<string, string> = {}) => ({
  ...scratch(),
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://consulat.example.fr',
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: 'https://sms.example.fr/envoi',
  ...Object.fromEntries(secrets.map((name) => [name, SECRETS[name]])),
  ...extra,
});

/** Every value a configuration holds, keys in base64, as text. */
function valuesOf(value: unknown): string[] {
  if (Buffer.isBuffer(value)) return [value.toString('base64')];
  if (value instanceof Map) return [...value.values()].flatMap(valuesOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(valuesOf);
  return [String(value)];
}

/** Each process and the secrets it, and it alone, is given. */
const PROCESSES = [
  {
    name: 'web',
    load: loadWebConfig,
    entry: 'web/main.ts',
    secrets: ['PAYLOAD_KEY', 'COOKIE_SECRET', 'RENEWAL_ID_SECRET', 'LINK_KEY', 'FIELD_SEAL_PUBLIC_KEY'],
  },
  { name: 'worker', load: loadWorkerConfig, entry: 'worker/main.ts', secrets: ['PAYLOAD_KEY', 'LINK_KEY', 'FIELD_SEAL_PRIVATE_KEY'] },
  { name: 'codec-server', load: loadCodecServerConfig, entry: 'codec/server/main.ts', secrets: ['PAYLOAD_KEY', 'CODEC_SERVER_TOKEN'] },
  { name: 'ops', load: loadOpsConfig, entry: 'ops/cli.ts', secrets: ['PAYLOAD_KEY', 'RENEWAL_ID_SECRET'] },
] as const;

describe('configuration', () => {
  it('serves the embedded setup with no variable set, and keeps generated secrets stable', () => {
    const env = scratch();
    const first = loadConfig(env);
    expect(first.renewal).toEqual({
      linkTtlMs: 3_600_000,
      maxSecretAttempts: 3,
      maxLinkEmailsPerHour: 3,
      lockoutLimit: 3,
      lockoutWindowMs: 86_400_000,
      lockoutRefusalMs: 86_400_000,
      cooldownMs: 86_400_000,
    });
    expect(first.store).toMatchObject({ url: 'redis://127.0.0.1:6379/0', embedded: true });
    expect(first.web.captchaTestHook).toBe(false);
    expect(first.mongo.embedded).toBe(true);
    const again = loadConfig(env);
    expect(again.payloadCodec.key.equals(first.payloadCodec.key)).toBe(true);
    // The web seals to the public half of the worker's generated key.
    expect(again.fieldSeal.publicKey.equals(publicKeyOf(first.fieldOpen.privateKeys.get(first.fieldOpen.keyId)!))).toBe(true);
  });

  it('reads durations and an external MongoDB', () => {
    const config = loadConfig({ ...scratch(), LINK_TTL: '30m', MONGODB_URI: 'mongodb://db:27017/' });
    expect(config.renewal.linkTtlMs).toBe(1_800_000);
    expect(config.mongo).toMatchObject({ uri: 'mongodb://db:27017/', embedded: false });
  });

  it('follows TEMPORAL_PORT for the embedded server unless TEMPORAL_ADDRESS says otherwise', () => {
    expect(loadConfig({ ...scratch(), TEMPORAL_PORT: '27233' }).temporal.address).toBe('127.0.0.1:27233');
    expect(loadConfig({ ...scratch(), TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.address).toBe('temporal:7233');
  });

  it('takes a prebuilt workflow bundle only when WORKFLOW_BUNDLE_PATH names one', () => {
    expect(loadConfig(scratch()).temporal.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ ...scratch(), WORKFLOW_BUNDLE_PATH: 'dist/b.js' }).temporal.workflowBundlePath).toBe(resolve('dist/b.js'));
    expect(() => loadConfig({ ...scratch(), WORKFLOW_BUNDLE_PATH: '' })).toThrow(/WORKFLOW_BUNDLE_PATH/);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ ...scratch(), WEB_PORT: 'eighty', LINK_TTL: 'soon' })).toThrow(/WEB_PORT[\s\S]*LINK_TTL/);
  });
});

describe('each process holds only its own keys', () => {
  it.each(PROCESSES)('$name starts in production with its own secrets only, and holds no other', ({ load, secrets }) => {
    const config = load(production(secrets)) as unknown as Record<string, unknown>;
    const held = valuesOf(config).join('\n');
    for (const [name, value] of Object.entries(SECRETS)) {
      const mine = (secrets as readonly string[]).includes(name);
      // The worker derives its public key from its private one: holding the private, it holds both.
      if (name === 'FIELD_SEAL_PUBLIC_KEY' && secrets.includes('FIELD_SEAL_PRIVATE_KEY' as never)) continue;
      expect(held.includes(value), `${name} ${mine ? 'held' : 'not held'}`).toBe(mine);
    }
  });

  it.each(PROCESSES.flatMap(({ name, load, secrets }) => secrets.map((missing) => ({ name, load, secrets, missing }))))(
    '$name refuses to start in production without $missing, naming it',
    ({ load, secrets, missing }) => {
      expect(() => load(production(secrets.filter((s) => s !== missing)))).toThrow(new RegExp(`^${missing} must be set in production$`));
    },
  );

  it.each(PROCESSES)(
    '$name, as a process, says so in one line and exits 1; with its own secrets it goes past its configuration',
    async ({ name, entry, secrets }) => {
      const run = (env: Record<string, string>) =>
        new Promise<{ code: number | null; stderr: string }>((done) => {
          const args = ['--import', 'tsx', entry, ...(name === 'ops' ? ['status', 'renouvellement-inconnu'] : [])];
          const child = execFile(
            process.execPath,
            args,
            { cwd: repoRoot, env: { PATH: process.env.PATH!, TEMPORAL_ADDRESS: '127.0.0.1:1', ...env }, timeout: 40_000 },
            () => {},
          );
          let stderr = '';
          child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('exit', (code) => done({ code, stderr }));
          // A codec server with its secrets has nothing to reach: once it listens, it is stopped here.
          child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('codec server listening') && child.kill('SIGTERM'));
        });
      const [missing] = secrets;
      const refused = await run(production(secrets.filter((s) => s !== missing)));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`^\\[(${name}|ops)\\] ${missing} must be set in production\\n?$|${missing} must be set in production`),
      );
      expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const started = await run(production(secrets, { CODEC_SERVER_PORT: '0' }));
      expect(started.stderr).not.toMatch(/must be set|must be an https|must be 32|at least 32/);
    },
    60_000,
  );
});

describe('production fails closed', () => {
  it('refuses a plain http public address, the dev SMS provider and the captcha test hook, each naming its variable', () => {
    expect(() => loadWebConfig(production(PROCESSES[0].secrets, { PUBLIC_BASE_URL: 'http://consulat.example.fr' }))).toThrow(
      /^PUBLIC_BASE_URL must be an https:\/\//,
    );
    expect(() => loadWorkerConfig(production(PROCESSES[1].secrets, { PUBLIC_BASE_URL: 'http://consulat.example.fr' }))).toThrow(
      /^PUBLIC_BASE_URL/,
    );
    expect(() => loadWorkerConfig(production(PROCESSES[1].secrets, { SMS_PROVIDER: 'dev' }))).toThrow(
      /^SMS_PROVIDER must be http in production/,
    );
    expect(() => loadWebConfig(production(PROCESSES[0].secrets, { CAPTCHA_TEST_HOOK: 'true' }))).toThrow(
      /^CAPTCHA_TEST_HOOK cannot be on in production/,
    );
  });

  it('refuses short secrets, keys that are not 32 bytes, and one secret used twice', () => {
    const web = PROCESSES[0].secrets;
    expect(() => loadWebConfig(production(web, { COOKIE_SECRET: 'court' }))).toThrow(
      /^COOKIE_SECRET must be at least 32 characters in production$/,
    );
    expect(() => loadWebConfig(production(web, { LINK_KEY: randomBytes(16).toString('base64') }))).toThrow(
      /^LINK_KEY must be 32 random bytes/,
    );
    expect(() => loadWebConfig(production(web, { LINK_KEY: SECRETS.PAYLOAD_KEY }))).toThrow(
      /^LINK_KEY and PAYLOAD_KEY hold the same secret/,
    );
  });

  it('never seeds demo accounts in production', () => {
    expect(() => loadSeedConfig({ ...scratch(), NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadSeedConfig({ ...scratch(), NODE_ENV: 'production' })).toThrow(/npm run seed refuses to run in production/);
    expect(loadSeedConfig(scratch()).mongo.embedded).toBe(true);
  });
});
