/**
 * The environment variables the project reads, with their defaults and checks (zod): the only
 * place `process.env` is parsed. config/index.ts turns them into each process's configuration.
 */
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

export const EnvSchema = z.object({
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
  /**
   * Workflow tasks, activities and local activities the worker runs at once, each (the SDK's
   * default is 40 and 100): more only queue on the worker's cores and grow its heap (README, Performance).
   */
  WORKER_MAX_CONCURRENT_TASKS: z.coerce.number().int().min(2).default(10),
  /** A workflow bundle built beforehand (npm run build:workflows); unset, the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1, 'a path to the bundle npm run build:workflows wrote (unset it to bundle at start)').optional(),

  /** A real MongoDB; unset, the embedded registry server runs on REGISTRY_PORT (dev/stack/servers.ts). */
  MONGODB_URI: z.string().optional(),
  REGISTRY_PORT: port(27017),
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

  // Secrets: outside production generated once under DATA_DIR/secrets/; in production each process
  // requires exactly those it uses (config/index.ts, `load*Config`).
  PAYLOAD_KEY: z.string().optional(),
  PAYLOAD_KEY_ID: z.string().default('dev-1'),
  PAYLOAD_PREVIOUS_KEYS: z.string().optional(),
  COOKIE_SECRET: z.string().optional(),
  RENEWAL_ID_SECRET: z.string().optional(),
  /** X25519: the web seals typed secrets to the public key; only the worker holds the private one. */
  FIELD_SEAL_PUBLIC_KEY: z.string().optional(),
  FIELD_SEAL_PRIVATE_KEY: z.string().optional(),
  FIELD_SEAL_KEY_ID: z.string().default('dev-1'),
  FIELD_SEAL_PREVIOUS_KEYS: z.string().optional(),
  LINK_KEY: z.string().optional(),

  CODEC_SERVER_PORT: port(8888),
  CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
  CODEC_SERVER_TOKEN: z.string().optional(),
  CODEC_CORS_ORIGIN: z.string().optional(),
});

export type Environment = z.infer<typeof EnvSchema>;

/** Every environment variable the project reads: deployment files may set these and no others. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);
