/**
 * The chaos stack's settings: the bench's (dev/bench/environment.ts: nothing of the invoking shell's
 * configuration, the captcha test hook, the defaults of `npm start`), on ports of its own in
 * base..base+99, two web instances behind the proxy and two workers, and the SMS sent to the
 * driver's gateway through the real HTTP provider.
 */
import { join } from 'node:path';
import { benchEnvironment } from '../bench/environment.js';
import type { ChaosOptions } from './options.js';

/** Where each server listens, from the port base. The portal's instances take WEB_PORT + 1, + 2. */
const OFFSETS: Record<string, number> = {
  WEB_PORT: 0,
  TEMPORAL_PORT: 10,
  TEMPORAL_UI_PORT: 11,
  REGISTRY_PORT: 12,
  REDIS_PORT: 13,
  SMTP_PORT: 14,
  MAILPIT_UI_PORT: 15,
  CODEC_SERVER_PORT: 16,
};
/** The driver's SMS gateway. */
const SMS_GATEWAY_OFFSET = 20;
/** A port variable the bench sets and this table does not know yet (a renamed server...) gets one from here on. */
const SPARE_OFFSETS_FROM = 30;

export const WEB_INSTANCES = 2;
export const WORKER_INSTANCES = 2;
export const SMS_GATEWAY_TOKEN = 'chaos-sms-gateway';

export const stackDataDir = (dataDir: string) => join(dataDir, 'stack');
export const smsGatewayPort = (portBase: number) => portBase + SMS_GATEWAY_OFFSET;

/**
 * The environment of every child process, and of loadConfig here (load it only after wiping the
 * data folder: outside production, secrets are generated there).
 */
export function chaosEnvironment(
  options: Pick<ChaosOptions, 'portBase' | 'logLevel' | 'dataDir'>,
  outer: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  // The bench's settings on its own port scheme (base + 7233...), then every port moved into ours.
  const benchOptions = { portBase: 0, logLevel: options.logLevel, workerCache: undefined, dataDir: options.dataDir };
  const bench = benchEnvironment(benchOptions, outer);
  const ports: Record<string, string> = {};
  let spare = SPARE_OFFSETS_FROM;
  // The bench's own settings are what it sets with nothing inherited.
  for (const name of Object.keys(benchEnvironment(benchOptions, {})).filter((n) => n.endsWith('_PORT'))) {
    ports[name] = String(options.portBase + (OFFSETS[name] ?? spare++));
  }
  for (const [name, offset] of Object.entries(OFFSETS)) ports[name] ??= String(options.portBase + offset);
  const portal = `http://127.0.0.1:${ports.WEB_PORT}`;
  return {
    ...bench,
    ...ports,
    DATA_DIR: stackDataDir(options.dataDir),
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.TEMPORAL_PORT}`,
    PUBLIC_BASE_URL: portal,
    WEB_INSTANCES: String(WEB_INSTANCES),
    WORKER_INSTANCES: String(WORKER_INSTANCES),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: `http://127.0.0.1:${smsGatewayPort(options.portBase)}/send`,
    SMS_HTTP_TOKEN: SMS_GATEWAY_TOKEN,
    // The proxy writes the address it saw into X-Forwarded-For (dev/stack/proxy.ts): every citizen
    // of the run reaches the instances from 127.0.0.1, so the per-address limits would count them
    // as one client. They are lifted for the run; the per-account limits keep their defaults.
    RATE_LIMIT_PER_IP: '1000000',
    CAPTCHA_FAILURES_PER_IP: '1000000',
  };
}
