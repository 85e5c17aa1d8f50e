/**
 * The shared store (Redis) goes down under a running web app, then comes back: the pages say
 * « service momentanément indisponible » (503) meanwhile, never go on without their limits or take
 * a security code unchecked, and work again by themselves once it is back. A real redis-server of
 * this test's own, on its own port.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../copy/pages.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { redis } from '../../dev/stack/servers.js';
import { Stack } from '../../dev/stack/stack.js';
import { createApp } from '../../web/app.js';
import { fakeDeps, routeTestConfig, testStore } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';
import { freePort } from '../support/ports.js';

let stack: Stack;
let config: ReturnType<typeof routeTestConfig>;
const dataDir = mkdtempSync(join(process.env.DATA_DIR ?? '/tmp', 'redis-outage-'));

beforeAll(async () => {
  const port = await freePort();
  config = routeTestConfig({ REDIS_PORT: String(port), REDIS_URL: `redis://127.0.0.1:${port}/0`, DATA_DIR: dataDir });
  stack = new Stack(dataDir);
  await stack.start([redis(config)]);
});

afterAll(async () => {
  await stack?.stop();
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an outage of the shared store', () => {
  it('answers 503 in French while it lasts, accepts no code unchecked, and recovers by itself', async () => {
    const deps = await fakeDeps({ config, store: await testStore(config.store.url) });
    const client = new PageClient(createApp(deps));
    const { request } = RENEWAL_PATHS.identifier;
    await client.get(request);
    const answer = await client.captchaAnswer('request');

    await stack.stop(); // the store goes down with a code drawn and its right answer known
    const post = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: answer });
    expect(post.status).toBe(503);
    expect(textOf(post.html)).toContain(ERRORS.unavailable.title);
    expect(textOf(post.html)).toContain(ERRORS.unavailable.body);
    expect(post.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(post.html).not.toMatch(/ECONNREFUSED|Redis|ioredis|Stream|\bat [A-Za-z.]+ \(/);
    expect(deps.renewals.requests).toEqual([]); // nothing went through without its limits and its code
    expect((await client.get(request)).status).toBe(503);

    stack = new Stack(dataDir);
    await stack.start([redis(config)]);
    await until(async () => (await client.get(request)).status === 200);
    const ok = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: await client.captchaAnswer('request') });
    expect(ok.status).toBe(303);
    expect(deps.renewals.requests).toHaveLength(1);
  });
});
