/**
 * Each process's configuration, typed and validated, from the environment (config/environment.ts).
 * Nothing else reads `process.env`. Each entry point loads only what it uses (`loadWebConfig`,
 * `loadWorkerConfig`…): a section's secrets are read only when a process asks for that section, so
 * no process holds a key it does not use, and in production each refuses to start without its own.
 * Defaults serve the embedded setup (`npm start`): servers on loopback, secrets generated once under
 * the data folder. `loadConfig` loads everything, for the development tooling and the tests.
 */
import { hkdfSync } from 'node:crypto';
import { resolve } from 'node:path';
import { publicKeyOf } from '../codec/sealed-field.js';
import { EnvSchema, type Environment } from './environment.js';
import { ConfigError, secretsFor, type Secrets } from './secrets.js';

export { CONFIG_VARIABLES } from './environment.js';
export { ConfigError } from './secrets.js';

function sections(e: Environment, secrets: Secrets) {
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);
  const publicBaseUrl = e.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const httpsRequired = (variable: string) => {
    if (production && new URL(publicBaseUrl).protocol !== 'https:') {
      throw new ConfigError(`${variable} must be an https:// address in production (HSTS and Secure cookies depend on it)`);
    }
  };
  const fieldPrivateKeys = () => {
    const current = secrets.key('FIELD_SEAL_PRIVATE_KEY', e.FIELD_SEAL_PRIVATE_KEY);
    return new Map([...secrets.keyRing('FIELD_SEAL_PREVIOUS_KEYS', e.FIELD_SEAL_PREVIOUS_KEYS), [e.FIELD_SEAL_KEY_ID, current]]);
  };

  return {
    web: () => {
      httpsRequired('PUBLIC_BASE_URL');
      if (production && e.CAPTCHA_TEST_HOOK) throw new ConfigError('CAPTCHA_TEST_HOOK cannot be on in production');
      return {
        host: e.WEB_HOST,
        port: e.WEB_PORT,
        publicBaseUrl,
        trustProxy: e.TRUST_PROXY,
        secureCookies: production,
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
      };
    },
    /** Signs the web's cookies and keys its limits' and security codes' derived keys. */
    cookieSecret: () => secrets.text('COOKIE_SECRET', e.COOKIE_SECRET),
    /** Where emailed links point: built from it, never from a request's Host header. */
    portal: () => {
      httpsRequired('PUBLIC_BASE_URL');
      return { publicBaseUrl };
    },
    instances: () => ({ web: e.WEB_INSTANCES, worker: e.WORKER_INSTANCES }),
    store: () => ({ url: e.REDIS_URL ?? `redis://127.0.0.1:${e.REDIS_PORT}/0`, embedded: e.REDIS_URL === undefined, port: e.REDIS_PORT }),
    temporal: () => ({
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentTasks: e.WORKER_MAX_CONCURRENT_TASKS,
      /** Absolute; the worker refuses it when missing or stale (worker/workflow-bundle.ts). */
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH === undefined ? undefined : resolve(e.WORKFLOW_BUNDLE_PATH),
    }),
    /** Keys the hash that turns a NUMIC into a workflow ID: stable for the life of the service. */
    renewalIdSecret: () => secrets.text('RENEWAL_ID_SECRET', e.RENEWAL_ID_SECRET),
    mongo: () => ({
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.REGISTRY_PORT}/`,
      database: e.MONGODB_DATABASE,
      embedded: e.MONGODB_URI === undefined,
      registryPort: e.REGISTRY_PORT,
    }),
    smtp: () => ({
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      auth: e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? '' } : undefined,
      from: e.MAIL_FROM,
      mailpitUiPort: e.MAILPIT_UI_PORT,
      helpdesk: e.HELPDESK_EMAIL,
    }),
    sms: () => {
      if (production && e.SMS_PROVIDER !== 'http')
        throw new ConfigError('SMS_PROVIDER must be http in production (the dev provider only writes a file)');
      if (e.SMS_PROVIDER === 'http' && !e.SMS_HTTP_URL) throw new ConfigError('SMS_PROVIDER=http needs SMS_HTTP_URL');
      return e.SMS_PROVIDER === 'http'
        ? { provider: 'http' as const, url: e.SMS_HTTP_URL!, token: e.SMS_HTTP_TOKEN, timeoutMs: e.SMS_HTTP_TIMEOUT }
        : { provider: 'dev' as const, dir: resolve(dataDir, 'sms') };
    },
    /** The policy each renewal workflow enforces (its input: no secret here, it is stored in the history). */
    renewal: () => ({
      linkTtlMs: e.LINK_TTL,
      maxSecretAttempts: e.MAX_SECRET_ATTEMPTS,
      maxLinkEmailsPerHour: e.MAX_LINK_EMAILS_PER_HOUR,
      lockoutLimit: e.LOCKOUT_LIMIT,
      lockoutWindowMs: e.LOCKOUT_WINDOW,
      lockoutRefusalMs: e.LOCKOUT_REFUSAL,
      cooldownMs: e.RENEWAL_COOLDOWN,
    }),
    /** Every payload Temporal stores is encrypted with it (codec/aes-gcm-codec.ts); older keys stay readable. */
    payloadCodec: () => ({
      keyId: e.PAYLOAD_KEY_ID,
      key: secrets.key('PAYLOAD_KEY', e.PAYLOAD_KEY),
      previousKeys: secrets.keyRing('PAYLOAD_PREVIOUS_KEYS', e.PAYLOAD_PREVIOUS_KEYS),
    }),
    /** Seals the workflow and run IDs inside each emailed link (codec/link-token.ts): the web opens, the worker seals. */
    linkKey: () => secrets.key('LINK_KEY', e.LINK_KEY),
    /**
     * Where typed secrets are sealed to (codec/sealed-field.ts): the worker's public key. Outside
     * production, without FIELD_SEAL_PUBLIC_KEY, it is the public half of the generated private key.
     */
    fieldSeal: () => ({
      keyId: e.FIELD_SEAL_KEY_ID,
      publicKey:
        e.FIELD_SEAL_PUBLIC_KEY || production
          ? secrets.key('FIELD_SEAL_PUBLIC_KEY', e.FIELD_SEAL_PUBLIC_KEY)
          : publicKeyOf(fieldPrivateKeys().get(e.FIELD_SEAL_KEY_ID)!),
    }),
    /** The worker's private keys: it alone opens what was sealed, and draws each link's secret from the current one. */
    fieldOpen: () => {
      const privateKeys = fieldPrivateKeys();
      return {
        keyId: e.FIELD_SEAL_KEY_ID,
        privateKeys,
        linkSecretKey: Buffer.from(hkdfSync('sha256', privateKeys.get(e.FIELD_SEAL_KEY_ID)!, '', 'renewal-link-secret', 32)),
      };
    },
    codecServer: () => ({
      host: e.CODEC_SERVER_HOST,
      port: e.CODEC_SERVER_PORT,
      token: secrets.text('CODEC_SERVER_TOKEN', e.CODEC_SERVER_TOKEN),
      corsOrigin: e.CODEC_CORS_ORIGIN ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
      secureCookies: production,
    }),
  };
}

type Sections = ReturnType<typeof sections>;
type SectionName = keyof Sections;
type Base = { env: Environment['NODE_ENV']; production: boolean; dataDir: string; logLevel: Environment['LOG_LEVEL'] };
export type Config = Base & { [K in SectionName]: ReturnType<Sections[K]> };

function parse(env: NodeJS.ProcessEnv): Environment {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The base and the named sections, and nothing else: the other sections' secrets are never read. */
function load<K extends SectionName>(env: NodeJS.ProcessEnv, names: readonly K[]): Base & Pick<Config, K> {
  const e = parse(env);
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);
  const secrets = secretsFor(dataDir, production);
  const all = sections(e, secrets);
  const picked = Object.fromEntries(names.map((name) => [name, all[name]()])) as Pick<Config, K>;
  return { env: e.NODE_ENV, production, dataDir, logLevel: e.LOG_LEVEL, ...picked };
}

const WEB = [
  'web',
  'cookieSecret',
  'store',
  'temporal',
  'renewalIdSecret',
  'mongo',
  'smtp',
  'renewal',
  'payloadCodec',
  'linkKey',
  'fieldSeal',
] as const;
const WORKER = ['portal', 'temporal', 'mongo', 'smtp', 'sms', 'payloadCodec', 'linkKey', 'fieldOpen'] as const;
const CODEC_SERVER = ['codecServer', 'payloadCodec'] as const;
const OPS = ['temporal', 'renewalIdSecret', 'payloadCodec', 'renewal'] as const;
const SEED = ['mongo'] as const;

export type WebConfig = ReturnType<typeof loadWebConfig>;
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type CodecServerConfig = ReturnType<typeof loadCodecServerConfig>;
export type OpsConfig = ReturnType<typeof loadOpsConfig>;

/** The citizen's web: seals to the worker's public key, opens link tokens; no private key, no codec token. */
export const loadWebConfig = (env: NodeJS.ProcessEnv = process.env) => load(env, WEB);
/** The worker: opens sealed fields, seals link tokens; no cookie secret, no NUMIC hashing, no codec token. */
export const loadWorkerConfig = (env: NodeJS.ProcessEnv = process.env) => load(env, WORKER);
/** The codec server: the payload keys and its own token; no field key. */
export const loadCodecServerConfig = (env: NodeJS.ProcessEnv = process.env) => load(env, CODEC_SERVER);
/** The ops tool: Temporal, the payload keys (to export decoded histories), the NUMIC hashing. */
export const loadOpsConfig = (env: NodeJS.ProcessEnv = process.env) => load(env, OPS);
/** `npm run seed`: the registry only, and never in production (its demo passwords are public). */
export function loadSeedConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = load(env, SEED);
  if (config.production) throw new ConfigError('npm run seed refuses to run in production: its demo passwords are public');
  return config;
}

const EVERYTHING = [...new Set<SectionName>([...WEB, ...WORKER, ...CODEC_SERVER, ...OPS, 'instances'])];
/** Everything: the development tooling (npm start's supervisor, the bench) and the tests. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => load(env, EVERYTHING) as Config;
