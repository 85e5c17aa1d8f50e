/**
 * No Docker engine runs on our machines: this reads docker-compose.yml and checks what `docker
 * compose up` would otherwise find out the hard way.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadCodecServerConfig, loadWebConfig, loadWorkerConfig } from '../../config/index.js';
import { APP_ENTRIES, APP_NODE_FLAGS } from '../../dev/stack/compiled.js';
import { TypedSearchAttributes } from '@temporalio/common';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker/process-settings.js';
import { renewalSearchAttributes } from '../../workflows/search-attributes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: (string | { published?: string | number; host_ip?: string })[];
  volumes?: (string | { source?: string })[];
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
/** The configuration loader of each app service's process. */
const PROCESS_OF: Record<string, (env: Record<string, string>) => unknown> = {
  web: loadWebConfig,
  worker: loadWorkerConfig,
  'codec-server': loadCodecServerConfig,
};
const appServices = services.filter(([, s]) => s.build !== undefined);

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((entry) => [entry.split('=')[0]!, entry.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `$$`. */
function interpolate(value: string, dotenv: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g,
    (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      const set = dotenv[name!];
      if (op === ':-') return set ? set : arg!;
      if (op === '-') return set ?? arg!;
      if (op === ':?' || op === '?') {
        if (!set) throw new Error(`${name} is required: ${arg}`);
        return set;
      }
      return set ?? '';
    },
  );
}

/** Variables the compose file takes from .env, and those it requires. */
function interpolatedVariables(text: string) {
  const all = new Set<string>();
  const required = new Set<string>();
  for (const [, name, op] of text.matchAll(/\$\{([A-Z0-9_]+)(:?[-?])?/g)) {
    all.add(name!);
    if (op?.endsWith('?')) required.add(name!);
  }
  return { all, required };
}

const dotenvExample = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** What a user writes into .env after reading .env.example: every required secret, 32 random bytes. */
function filledDotenv(): Record<string, string> {
  const { required } = interpolatedVariables(read('docker-compose.yml'));
  const filled: Record<string, string> = {};
  for (const [name, value] of Object.entries(dotenvExample)) {
    filled[name] = value || (required.has(name) ? randomBytes(32).toString('base64') : '');
  }
  return filled;
}

function hostPorts(service: Service): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.published);
    const parts = String(port).split(':');
    // "8080", "8080:80", "127.0.0.1:8080:80"
    return Number(parts.length === 1 ? parts[0] : parts[parts.length - 2]);
  });
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'));

/** What `docker run` of the image runs: the worker (its CMD, exec form). */
const imageCommand = JSON.parse(dockerfile.find((line) => line.startsWith('CMD '))!.slice('CMD '.length)) as string[];

/** The image's ENV (`ENV A=1 B=2` form). */
const imageEnvironment = Object.fromEntries(
  dockerfile
    .filter((line) => /^ENV\s/.test(line))
    .flatMap((line) =>
      line
        .replace(/^ENV\s+/, '')
        .trim()
        .split(/\s+/),
    )
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const dependsOn = (service: Service): [string, string][] =>
  Array.isArray(service.depends_on)
    ? service.depends_on.map((name) => [name, 'service_started'])
    : Object.entries(service.depends_on ?? {}).map(([name, { condition }]) => [name, condition]);

describe('docker-compose.yml', () => {
  it('runs the worker, the web and the codec server from the project image', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['codec-server', 'web', 'worker']);
    for (const [name, service] of appServices) {
      const command = Array.isArray(service.command) ? service.command : String(service.command).split(' ');
      // Each runs its entry compiled into the image (dist/js/: npm run build:apps), with source maps.
      const entry = command.at(-1)!.replace(/^dist\/js\/(.*)\.js$/, '$1.ts');
      expect(entry, `${name} runs a compiled entry`).toMatch(/\.ts$/);
      expect(existsSync(`${root}${entry}`), `${name}'s entry ${entry} exists`).toBe(true);
      expect(command.slice(-1 - APP_NODE_FLAGS.length, -1)).toEqual([...APP_NODE_FLAGS]);
      expect(command, name).not.toContain('tsx');
      expect(PROCESS_OF[name], `${name} has a configuration loader`).toBeDefined();
    }
    expect(existsSync(`${root}Dockerfile`)).toBe(true);
    expect(read('Dockerfile')).toMatch(/^FROM node:20\.\d+\.\d+/m);
  });

  it('sets on app services only variables that config/index.ts reads', () => {
    const known = new Set(CONFIG_VARIABLES);
    for (const [name, service] of appServices) {
      const unknown = Object.keys(environmentOf(service)).filter((key) => !known.has(key));
      expect(unknown, `${name} sets variables the configuration never reads`).toEqual([]);
    }
  });

  it('gives every app service a valid configuration once .env is filled from .env.example', () => {
    const dotenv = filledDotenv();
    for (const [name, service] of appServices) {
      const env = Object.fromEntries(Object.entries(environmentOf(service)).map(([key, value]) => [key, interpolate(value, dotenv)]));
      expect(() => PROCESS_OF[name]!(env), name).not.toThrow();
    }
  });

  it('gives each app service the secrets its process uses and no other, enough for production', () => {
    const dotenv = filledDotenv();
    const production = {
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://consulat.example.fr',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms.example.fr',
    };
    const secretsOf = (env: Record<string, string>) =>
      Object.keys(env).filter((key) => /KEY$|SECRET|TOKEN/.test(key) && !/_ID$|PREVIOUS/.test(key) && env[key]);
    const expected: Record<string, string[]> = {
      web: ['COOKIE_SECRET', 'FIELD_SEAL_PUBLIC_KEY', 'LINK_KEY', 'PAYLOAD_KEY', 'RENEWAL_ID_SECRET'],
      worker: ['FIELD_SEAL_PRIVATE_KEY', 'LINK_KEY', 'PAYLOAD_KEY'],
      'codec-server': ['CODEC_SERVER_TOKEN', 'PAYLOAD_KEY'],
    };
    for (const [name, service] of appServices) {
      const env = Object.fromEntries(Object.entries(environmentOf(service)).map(([key, value]) => [key, interpolate(value, dotenv)]));
      expect(secretsOf(env).sort(), name).toEqual(expected[name]);
      expect(() => PROCESS_OF[name]!({ ...env, ...production }), name).not.toThrow();
    }
  });

  it('refuses to start without the secrets, and documents each of them in .env.example', () => {
    const { all, required } = interpolatedVariables(read('docker-compose.yml'));
    expect([...required].sort()).toEqual(
      expect.arrayContaining([
        'CODEC_SERVER_TOKEN',
        'COOKIE_SECRET',
        'FIELD_SEAL_PRIVATE_KEY',
        'FIELD_SEAL_PUBLIC_KEY',
        'LINK_KEY',
        'PAYLOAD_KEY',
        'RENEWAL_ID_SECRET',
      ]),
    );
    for (const name of required) expect(Object.keys(dotenvExample), `${name} in .env.example`).toContain(name);
    for (const name of Object.keys(dotenvExample)) expect([...all], `.env.example's ${name} is used`).toContain(name);
    const secretsInClear = appServices.flatMap(([, s]) =>
      Object.entries(environmentOf(s)).filter(([key, value]) => /KEY$|SECRET|TOKEN|PASSWORD/.test(key) && !value.startsWith('${')),
    );
    expect(secretsInClear).toEqual([]);
  });

  it('runs two web instances behind a pinned reverse proxy, which alone publishes the portal, and workers that scale', () => {
    const web = compose.services.web!;
    expect((web as { deploy?: { replicas?: number } }).deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(web.ports ?? []).toEqual([]);
    expect(environmentOf(web).TRUST_PROXY).toBe('true');
    const proxy = compose.services.proxy!;
    expect(proxy.image).toMatch(/^nginx:\d+\.\d+\.\d+/);
    expect(hostPorts(proxy)).toEqual([3000]);
    const conf = read('docker/nginx/portal.conf');
    expect(conf).toMatch(/http:\/\/web:3000/);
    expect(conf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    // `docker compose up --scale worker=3` needs a worker with no fixed name and no published port.
    const worker = compose.services.worker as Service & { container_name?: string };
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(dependsOn(web).map(([target]) => target)).toContain('redis');
  });

  it('runs the worker on the workflow bundle built into the image, out of the volumes', () => {
    const workdir = dockerfile.find((line) => line.startsWith('WORKDIR '))!.split(/\s+/)[1]!;
    const buildAt = dockerfile.findIndex((line) => /^RUN npm run build:workflows -- \S+\s*$/.test(line));
    expect(buildAt, 'the Dockerfile runs `npm run build:workflows -- <file>`').toBeGreaterThan(dockerfile.indexOf('COPY . .'));
    const built = posix.resolve(workdir, dockerfile[buildAt]!.trim().split(/\s+/).at(-1)!);

    // `docker run` of the image runs the worker (its CMD): the image says where the bundle is.
    expect(imageEnvironment.WORKFLOW_BUNDLE_PATH).toBe(built);
    expect(CONFIG_VARIABLES).toContain('WORKFLOW_BUNDLE_PATH');
    const worker = compose.services.worker!;
    expect(environmentOf(worker).WORKFLOW_BUNDLE_PATH).toBe(built);
    // It runs the worker compiled into the image (npm run build:apps), after the sources are copied.
    const compileAt = dockerfile.findIndex((line) => /^RUN npm run build:apps -- \S+\s*$/.test(line));
    expect(compileAt, 'the Dockerfile runs `npm run build:apps -- <folder>`').toBeGreaterThan(dockerfile.indexOf('COPY . .'));
    const compiled = posix.resolve(workdir, dockerfile[compileAt]!.trim().split(/\s+/).at(-1)!);
    const entry = posix.resolve(workdir, (worker.command as string[]).at(-1)!);
    expect(entry).toBe(posix.join(compiled, APP_ENTRIES.worker));
    expect(posix.resolve(workdir, imageCommand.at(-1)!)).toBe(entry);
    // A volume mounted over it would hide the image's bundle (the worker would then refuse to start).
    const mounted = [
      environmentOf(worker).DATA_DIR!,
      ...(worker.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1]! : '')),
    ];
    for (const target of mounted.filter(Boolean))
      expect(posix.relative(target, built).startsWith('..'), `${built} under ${target}`).toBe(true);
  });

  it('starts the worker with the memory settings npm start gives it', () => {
    const composeCommand = compose.services.worker!.command as string[];
    for (const command of [imageCommand, composeCommand]) {
      expect(command.slice(1, 1 + WORKER_NODE_FLAGS.length)).toEqual([...WORKER_NODE_FLAGS]);
      expect(command.at(-1)).toBe('dist/js/worker/main.js');
      expect(command).not.toContain('tsx');
    }
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) {
      expect({ [name]: environmentOf(compose.services.worker!)[name] ?? imageEnvironment[name] }).toEqual({ [name]: value });
    }
  });

  it('depends only on services that exist, waiting on health checks or completed jobs', () => {
    for (const [name, service] of services) {
      for (const [target, condition] of dependsOn(service)) {
        expect(compose.services[target], `${name} depends on ${target}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') {
          const check = compose.services[target]!.healthcheck;
          expect(check?.test, `${target} needs a health check: ${name} waits for it`).toBeDefined();
          expect(check?.disable).not.toBe(true);
        }
        if (condition === 'service_completed_successfully') {
          expect(['always', 'unless-stopped'], `${target} is a one-shot job`).not.toContain(compose.services[target]!.restart);
        }
      }
    }
  });

  it('starts the worker and the web only after the search attributes are registered', () => {
    for (const name of ['worker', 'web']) {
      expect(Object.fromEntries(dependsOn(compose.services[name]!))['temporal-setup']).toBe('service_completed_successfully');
    }
    const setup = read('docker/temporal/setup-namespace.sh');
    for (const key of renewalSearchAttributes) {
      expect(setup).toContain(`${key.name}:${TypedSearchAttributes.toMetadataType(key.type)}`);
    }
  });

  it('publishes each host port once', () => {
    const published = services.flatMap(([name, service]) => hostPorts(service).map((port) => ({ name, port })));
    expect(published.length).toBeGreaterThan(0);
    for (const { port } of published) expect(Number.isInteger(port) && port > 0).toBe(true);
    const clashes = published.filter((p, i) => published.findIndex((q) => q.port === p.port) !== i);
    expect(clashes).toEqual([]);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of services) {
      if (service.build !== undefined && service.image === undefined) continue;
      const image = service.image ?? '';
      const tag = image.includes('@') ? image.split('@')[1] : image.slice(image.lastIndexOf(':') + 1);
      expect(image.includes(':') || image.includes('@'), `${name}: ${image} has a tag`).toBe(true);
      expect(tag, `${name}: ${image}`).not.toBe('latest');
      expect(tag, `${name}: ${image} names a version`).toMatch(/\d/);
    }
  });

  it('mounts files that exist and declares its named volumes', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : String(volume.source);
        if (source.startsWith('./') || source.startsWith('/'))
          expect(existsSync(`${root}${source}`), `${name} mounts ${source}`).toBe(true);
        else expect(declared.has(source), `${name} uses volume ${source}`).toBe(true);
      }
    }
  });

  it('points the Temporal UI at the codec server, which lets the UI origin in', () => {
    const ui = environmentOf(compose.services['temporal-ui']!);
    const codec = compose.services['codec-server']!;
    const codecEnv = environmentOf(codec);
    expect(new URL(ui.TEMPORAL_CODEC_ENDPOINT!).port).toBe(String(hostPorts(codec)[0]));
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    expect(codecEnv.CODEC_CORS_ORIGIN).toBe(`http://localhost:${hostPorts(compose.services['temporal-ui']!)[0]}`);
    expect(codecEnv.CODEC_SERVER_HOST).toBe('0.0.0.0');
  });
});
