/**
 * The one place that reads the environment. Everything else receives a typed `Config`.
 * Defaults serve the embedded setup (`npm start`): Temporal dev server, FerretDB and Mailpit
 * on loopback, with secrets generated once under the data folder.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `invalid duration "${value}" (e.g. 90s, 15m, 1h)` });
        return z.NEVER;
      }
      return ms;
    });

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  WEB_HOST: z.string().default('127.0.0.1'),
  WEB_PORT: port(3000),
  /** How many web and worker processes `npm start` runs (several web ones behind a reverse proxy on WEB_PORT). */
  WEB_INSTANCES: z.coerce.number().int().min(1).max(8).default(1),
  WORKER_INSTANCES: z.coerce.number().int().min(1).max(8).default(1),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  TRUST_PROXY: flag(false),

  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('renouvellements'),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_PORT: port(7233),
  /**
   * Workflows kept in the worker's memory between tasks; the others are replayed (a short history)
   * when they wake. Most renewals wait for an hour: 50 covers those being worked on (README, Performance).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(50),
  /** A workflow bundle built beforehand (npm run build:workflows); unset, the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1, 'a path to the bundle npm run build:workflows wrote (unset it to bundle at start)').optional(),

  MONGODB_URI: z.string().optional(),
  FERRETDB_PORT: port(27017),
  MONGODB_DATABASE: z.string().default('consulat'),

  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: port(1025),
  SMTP_SECURE: flag(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  MAILPIT_UI_PORT: port(8025),
  MAIL_FROM: z.string().default('Consulat de France <ne-pas-repondre@consulat.example.fr>'),
  HELPDESK_EMAIL: z.email().default('cellule-assistance@consulat.example.fr'),

  SMS_PROVIDER: z.enum(['dev', 'http']).default('dev'),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
  SMS_HTTP_TIMEOUT: duration('5s'),

  LINK_TTL: duration('1h'),
  /** Wrong secrets (the password, or the identifier for a password renewal) before a renewal locks. */
  MAX_SECRET_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MAX_LINK_EMAILS_PER_HOUR: z.coerce.number().int().min(1).max(20).default(3),
  /** Lock-outs of one account within LOCKOUT_WINDOW after which its renewals are refused for LOCKOUT_REFUSAL. */
  LOCKOUT_LIMIT: z.coerce.number().int().min(1).max(10).default(3),
  LOCKOUT_WINDOW: duration('24h'),
  LOCKOUT_REFUSAL: duration('24h'),
  /** After a renewal completes, how long a renewal of the other kind must wait. */
  RENEWAL_COOLDOWN: duration('24h'),

  CAPTCHA_TTL: duration('5m'),
  /** A session unused this long ends; every session ends SESSION_LIFETIME after it began. */
  SESSION_IDLE: duration('30m'),
  SESSION_LIFETIME: duration('12h'),
  CAPTCHA_TEST_HOOK: flag(false),

  RATE_LIMIT_WINDOW: duration('15m'),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
  /** Requests (or failed logins) for one account from one client address. */
  RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  /** Failed logins on one identifier, from anywhere, after which the login asks for a security code. */
  LOGIN_CODE_AFTER_FAILURES: z.coerce.number().int().min(1).default(10),
  /** Wrong security codes from one client address after which new codes are refused for a window. */
  CAPTCHA_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),

  REDIS_URL: z.string().optional(),
  REDIS_PORT: port(6379),

  PAYLOAD_KEY: z.string().optional(),
  PAYLOAD_KEY_ID: z.string().default('dev-1'),
  PAYLOAD_PREVIOUS_KEYS: z.string().optional(),
  COOKIE_SECRET: z.string().optional(),
  RENEWAL_ID_SECRET: z.string().optional(),
  FIELD_SEAL_KEY: z.string().optional(),
  LINK_KEY: z.string().optional(),

  CODEC_SERVER_PORT: port(8888),
  CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
  CODEC_SERVER_TOKEN: z.string().optional(),
  CODEC_CORS_ORIGIN: z.string().optional(),
});

/** Every environment variable this module reads: deployment files may set these and no others. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export type Config = ReturnType<typeof buildConfig>;

export class ConfigError extends Error {}

/** Reads and validates the environment. Throws a `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return buildConfig(parsed.data);
}

function buildConfig(e: z.infer<typeof EnvSchema>) {
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);
  const secret = (name: string, value: string | undefined, bytes: number) => value ?? devSecret(dataDir, name, bytes, production);
  const payloadKey = Buffer.from(secret('PAYLOAD_KEY', e.PAYLOAD_KEY, 32), 'base64');
  if (payloadKey.length !== 32) throw new ConfigError('PAYLOAD_KEY must be 32 bytes, base64-encoded');
  const fieldSealKey = Buffer.from(secret('FIELD_SEAL_KEY', e.FIELD_SEAL_KEY, 32), 'base64');
  if (fieldSealKey.length !== 32) throw new ConfigError('FIELD_SEAL_KEY must be 32 bytes, base64-encoded');
  const linkKey = Buffer.from(secret('LINK_KEY', e.LINK_KEY, 32), 'base64');
  if (linkKey.length !== 32) throw new ConfigError('LINK_KEY must be 32 bytes, base64-encoded');
  if (production && e.CAPTCHA_TEST_HOOK) throw new ConfigError('CAPTCHA_TEST_HOOK cannot be on in production');
  if (e.SMS_PROVIDER === 'http' && !e.SMS_HTTP_URL) throw new ConfigError('SMS_PROVIDER=http needs SMS_HTTP_URL');

  return {
    env: e.NODE_ENV,
    production,
    dataDir,
    logLevel: e.LOG_LEVEL,
    web: {
      host: e.WEB_HOST,
      port: e.WEB_PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      trustProxy: e.TRUST_PROXY,
      secureCookies: production,
      cookieSecret: secret('COOKIE_SECRET', e.COOKIE_SECRET, 32),
      captchaTtlMs: e.CAPTCHA_TTL,
      sessionIdleMs: e.SESSION_IDLE,
      sessionLifetimeMs: e.SESSION_LIFETIME,
      captchaTestHook: e.CAPTCHA_TEST_HOOK,
      rateLimit: {
        windowMs: e.RATE_LIMIT_WINDOW,
        perIp: e.RATE_LIMIT_PER_IP,
        perAccount: e.RATE_LIMIT_PER_ACCOUNT,
        loginCodeAfterFailures: e.LOGIN_CODE_AFTER_FAILURES,
        captchaFailuresPerIp: e.CAPTCHA_FAILURES_PER_IP,
      },
    },
    instances: { web: e.WEB_INSTANCES, worker: e.WORKER_INSTANCES },
    store: {
      url: e.REDIS_URL ?? `redis://127.0.0.1:${e.REDIS_PORT}/0`,
      embedded: e.REDIS_URL === undefined,
      port: e.REDIS_PORT,
    },
    /** Seals the workflow and run IDs inside each emailed link (codec/link-token.ts). */
    linkKey,
    /** Draws each link's secret (domain/link-secret.ts); derived from the worker's field key, never the web's to hold. */
    linkSecretKey: Buffer.from(hkdfSync('sha256', fieldSealKey, '', 'renewal-link-secret', 32)),
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      /** Keys the hash that turns a NUMIC into a workflow ID: stable for the life of the service. */
      renewalIdSecret: secret('RENEWAL_ID_SECRET', e.RENEWAL_ID_SECRET, 32),
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      /** Absolute; the worker refuses it when missing or stale (worker/workflow-bundle.ts). */
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH === undefined ? undefined : resolve(e.WORKFLOW_BUNDLE_PATH),
    },
    mongo: {
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.FERRETDB_PORT}/`,
      database: e.MONGODB_DATABASE,
      embedded: e.MONGODB_URI === undefined,
      ferretdbPort: e.FERRETDB_PORT,
    },
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      auth: e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? '' } : undefined,
      from: e.MAIL_FROM,
      mailpitUiPort: e.MAILPIT_UI_PORT,
      helpdesk: e.HELPDESK_EMAIL,
    },
    sms:
      e.SMS_PROVIDER === 'http'
        ? { provider: 'http' as const, url: e.SMS_HTTP_URL!, token: e.SMS_HTTP_TOKEN, timeoutMs: e.SMS_HTTP_TIMEOUT }
        : { provider: 'dev' as const, dir: resolve(dataDir, 'sms') },
    /** The policy each renewal workflow enforces (its input: no secret here, it is stored in the history). */
    renewal: {
      linkTtlMs: e.LINK_TTL,
      maxSecretAttempts: e.MAX_SECRET_ATTEMPTS,
      maxLinkEmailsPerHour: e.MAX_LINK_EMAILS_PER_HOUR,
      lockoutLimit: e.LOCKOUT_LIMIT,
      lockoutWindowMs: e.LOCKOUT_WINDOW,
      lockoutRefusalMs: e.LOCKOUT_REFUSAL,
      cooldownMs: e.RENEWAL_COOLDOWN,
    },
    payloadCodec: {
      keyId: e.PAYLOAD_KEY_ID,
      key: payloadKey,
      previousKeys: parseKeyRing(e.PAYLOAD_PREVIOUS_KEYS),
      /** Seals passwords inside payloads, so even a decoding Temporal UI never shows them. */
      fieldSealKey,
    },
    codecServer: {
      host: e.CODEC_SERVER_HOST,
      port: e.CODEC_SERVER_PORT,
      token: secret('CODEC_SERVER_TOKEN', e.CODEC_SERVER_TOKEN, 24),
      corsOrigin: e.CODEC_CORS_ORIGIN ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
    },
  };
}

/** "id1:base64key,id2:base64key" → Map, for decrypting payloads written under rotated keys. */
function parseKeyRing(value: string | undefined): Map<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const entry of (value ?? '').split(',').filter(Boolean)) {
    const [id, key] = entry.split(':');
    if (!id || !key) throw new ConfigError('PAYLOAD_PREVIOUS_KEYS must look like "id:base64key,..."');
    ring.set(id.trim(), Buffer.from(key.trim(), 'base64'));
  }
  return ring;
}

/**
 * Outside production a missing secret is generated once and kept under the data folder, so the
 * embedded setup works with no configuration and survives restarts. Production must set it.
 */
function devSecret(dataDir: string, name: string, bytes: number, production: boolean): string {
  if (production) throw new ConfigError(`${name} must be set in production`);
  const file = resolve(dataDir, 'secrets', name.toLowerCase());
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(bytes).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
