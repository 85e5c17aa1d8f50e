/**
 * The real stack for the timing and browser tests: the test servers started by the global setup
 * (Temporal dev server, registry, Mailpit, Redis), a real worker in this process, and the web's real
 * dependencies. Each use gets its own task queue and database, so it shares nothing with the
 * other test files running alongside.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { randomIdentifier } from '../../domain/identifier.js';
import { hashPassword } from '../../adapters/passwords.js';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import type { Config } from '../../config/index.js';
import { connectWebDependencies } from '../../web/dependencies.js';
import { createActivityDependencies } from '../../worker/dependencies.js';
import { createRenewalWorker } from '../../worker/create-worker.js';
import { testConfig } from './config.js';
import { quietTemporalRuntime } from './temporal.js';

export interface Citizen {
  numic: string;
  email: string;
  phone: string;
  identifier: string;
  password: string;
}

const DIGITS_AND_LETTERS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A NUMIC nobody else uses: 12 letters and digits. */
export const randomNumic = () => Array.from({ length: 12 }, () => DIGITS_AND_LETTERS[randomInt(DIGITS_AND_LETTERS.length)]).join('');

export async function startRealStack(overrides: Record<string, string> = {}) {
  quietTemporalRuntime();
  const run = randomBytes(4).toString('hex');
  const config: Config = testConfig({ TEMPORAL_TASK_QUEUE: `web-tests-${run}`, MONGODB_DATABASE: `web_tests_${run}`, ...overrides });

  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const activities = await createActivityDependencies(config);
  let worker = await createRenewalWorker({ config, connection, activities });
  let running: Promise<void> | undefined = worker.run();
  const deps = await connectWebDependencies(config, pino({ level: 'silent' }));
  const registry: Registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  let count = 0;

  return {
    config,
    deps,
    registry,
    run,

    async createCitizen(): Promise<Citizen> {
      count++;
      const citizen: Citizen = {
        numic: randomNumic(),
        email: `citoyen.${run}.${count}@example.org`,
        phone: `+3361234${String(count).padStart(4, '0')}`,
        identifier: randomIdentifier(),
        password: `Soleil-${randomBytes(6).toString('base64url')}-2026`,
      };
      await registry.create({ ...citizen, passwordHash: await hashPassword(citizen.password) });
      return citizen;
    },

    /** Stops the worker (as a crash or a deployment would): renewals wait, Temporal keeps them. */
    async stopWorker() {
      if (!running) return;
      worker.shutdown();
      await running;
      running = undefined;
    },

    async startWorker() {
      if (running) return;
      worker = await createRenewalWorker({ config, connection, activities });
      running = worker.run();
    },

    async stop() {
      if (running) worker.shutdown();
      await running;
      await Promise.allSettled([activities.close(), deps.close(), registry.close()]);
      await connection.close();
    },
  };
}

export type RealStack = Awaited<ReturnType<typeof startRealStack>>;
