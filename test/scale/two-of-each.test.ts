/**
 * Two web processes and two worker processes, for real (child processes, as `npm start` runs them),
 * on one Temporal, one registry and one store (the test run's): a citizen's journey whose every
 * request goes to the other web instance completes (plain HTTP and Chromium), a limit of N holds
 * over both, a web instance restarted mid-journey loses nothing, and a worker killed with SIGKILL in
 * the middle of 50 renewals leaves all 50 to complete on the other.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, type Registry } from '../../adapters/registry.js';
import { hashPassword } from '../../adapters/passwords.js';
import { connectTemporal } from '../../client/connect.js';
import { renewalClientFor, type RenewalClient } from '../../client/renewals.js';
import { loadConfig, type Config } from '../../config/index.js';
import { ERRORS, LINK, REQUEST } from '../../copy/pages.js';
import { appsBuild, runBuilds, web, worker, type AppsBuild } from '../../dev/stack/apps.js';
import { Stack } from '../../dev/stack/stack.js';
import type { ManagedProcess } from '../../dev/stack/process.js';
import { randomIdentifier } from '../../domain/identifier.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { launchChromium } from '../support/browser/browser.js';
import { waitForMessages } from '../support/mailpit.js';
import { PageClient } from '../support/page-client.js';
import { randomNumic } from '../support/real-stack.js';
import { freePort } from '../support/ports.js';

const run = randomBytes(4).toString('hex');
let config: Config;
let stack: Stack;
let registry: Registry;
let renewals: RenewalClient;
let closeTemporal: () => Promise<void>;
let env: NodeJS.ProcessEnv;
let webPorts: [number, number];
let build: AppsBuild;
const procs = new Map<string, ManagedProcess>();

/** A web instance on its own port: all share the portal's public address, its secrets and the store. */
const webSpec = (i: 0 | 1) => {
  const instanceEnv = { ...env, WEB_PORT: String(webPorts[i]) };
  return web(loadConfig(instanceEnv), instanceEnv, build, `web-${i + 1}`);
};

async function startApps(specs: Parameters<Stack['start']>[0]) {
  await stack.start(specs);
  for (const proc of stack.processes) procs.set(proc.name, proc);
}

beforeAll(async () => {
  webPorts = [await freePort(), await freePort()];
  // Limits low enough to reach, a task queue and a database of this file's own.
  env = {
    ...process.env,
    TEMPORAL_TASK_QUEUE: `scale-${run}`,
    MONGODB_DATABASE: `scale_${run}`,
    RATE_LIMIT_PER_ACCOUNT: '3',
    RATE_LIMIT_PER_IP: '1000',
    LOG_LEVEL: 'warn',
  };
  config = loadConfig(env);
  stack = new Stack(join(config.dataDir, `scale-${run}`));
  build = appsBuild(join(config.dataDir, `scale-${run}`));
  await runBuilds(stack, build, env);
  await startApps([worker(env, build, 'worker-1'), worker(env, build, 'worker-2'), webSpec(0), webSpec(1)]);
  registry = await connectRegistry(config.mongo.uri, config.mongo.database);
  const temporal = await connectTemporal(config);
  closeTemporal = temporal.close;
  renewals = renewalClientFor(temporal.client, config);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await registry?.close();
  await closeTemporal?.();
});

async function citizen() {
  const numic = randomNumic();
  const c = {
    numic,
    email: `citoyen.${run}.${numic.toLowerCase()}@example.org`,
    phone: '+33612345678',
    identifier: randomIdentifier(),
    password: `Soleil-${numic}`,
  };
  await registry.create({ ...c, passwordHash: await hashPassword(c.password) });
  return c;
}

/** Sends each request to the other instance than the previous one (what PageClient calls `app.request`). */
function alternating(ports: number[]) {
  let next = 0;
  const sent: number[] = [];
  return {
    sent,
    async request(input: string | Request | URL, init?: RequestInit) {
      const url = new URL(String(input));
      const port = ports[next++ % ports.length]!;
      sent.push(port);
      return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, init);
    },
  };
}

const linkOf = async (email: string, kind: 'identifier' | 'password' = 'identifier', count = 1) => {
  const [message] = await waitForMessages(config, {
    to: email,
    subject: kind === 'identifier' ? 'nouvel identifiant' : 'nouveau mot de passe',
    count,
  });
  return new RegExp(`${config.web.publicBaseUrl}(${RENEWAL_PATHS[kind].link}/\\S+)`).exec(message!.text)![1]!;
};

describe('two web instances, two workers', () => {
  it('completes a journey whose every request goes to the other web instance (plain HTTP)', async () => {
    const c = await citizen();
    const app = alternating(webPorts);
    const browser = new PageClient(app as never, undefined, config.web.publicBaseUrl);
    await browser.get(RENEWAL_PATHS.identifier.request);
    const requested = await browser.post(RENEWAL_PATHS.identifier.request, {
      numic: c.numic,
      courriel: c.email,
      code: await browser.captchaAnswer('request'),
    });
    expect(requested.status).toBe(303);
    const link = await linkOf(c.email);
    expect((await browser.get(link)).status).toBe(200);
    const done = await browser.post(link, { secret: c.password, code: await browser.captchaAnswer('link') });
    expect(done.status).toBe(303);
    const shown = await browser.get(RENEWAL_PATHS.identifier.done);
    const identifier = /id="nouvel-identifiant"[^>]*>([A-Z0-9-]+)</.exec(shown.html)![1]!;
    expect(identifier).not.toBe(c.identifier);
    await browser.get(PATHS.login);
    expect((await browser.post(PATHS.login, { identifiant: identifier, motDePasse: c.password })).status).toBe(303);
    expect((await browser.get(PATHS.account)).html).toContain(identifier);
    // Every request really alternated between the two instances.
    expect(app.sent.every((port, i) => i === 0 || port !== app.sent[i - 1])).toBe(true);
    expect(new Set(app.sent).size).toBe(2);
  });

  it('completes the password journey in Chromium with each request sent to the other instance', { timeout: 120_000 }, async () => {
    const c = await citizen();
    let chromium: Browser | undefined;
    try {
      chromium = await launchChromium();
      const page = await chromium.newPage();
      let next = 0;
      const served: number[] = [];
      // The browser talks to the portal's one address; each request is carried to the other instance.
      await page.route(`${config.web.publicBaseUrl}/**`, async (route) => {
        const port = webPorts[next++ % 2]!;
        served.push(port);
        const url = new URL(route.request().url());
        await route.fulfill({ response: await route.fetch({ url: `http://127.0.0.1:${port}${url.pathname}${url.search}` }) });
      });
      const captcha = async (purpose: string) =>
        ((await (await page.request.get(`http://127.0.0.1:${webPorts[0]}/__test/captcha?for=${purpose}`)).json()) as { answer: string })
          .answer;
      await page.goto(`${config.web.publicBaseUrl}${RENEWAL_PATHS.password.request}`);
      await page.getByLabel(REQUEST.numic).fill(c.numic);
      await page.getByLabel(REQUEST.email).fill(c.email);
      await page.getByLabel('Saisissez les 4 chiffres du code de sécurité').fill(await captcha('request'));
      await page.getByRole('button', { name: REQUEST.password.submit }).click();
      await page.waitForURL(`**${RENEWAL_PATHS.password.confirmation}`);
      await page.goto(`${config.web.publicBaseUrl}${await linkOf(c.email, 'password')}`);
      await page.getByLabel(LINK.password.secret).fill(c.identifier);
      await page.getByLabel('Saisissez les 4 chiffres du code de sécurité').fill(await captcha('link'));
      await page.getByRole('button', { name: LINK.password.submit }).click();
      await page.waitForURL(`**${RENEWAL_PATHS.password.done}`);
      expect(await page.textContent('main')).toContain(c.phone.slice(-2));
      expect(new Set(served)).toEqual(new Set(webPorts));
    } finally {
      await chromium?.close();
    }
  });

  it('reaches a limit of N after N requests spread over both instances, not 2N', async () => {
    const c = await citizen();
    const browser = new PageClient(alternating(webPorts) as never, undefined, config.web.publicBaseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await browser.get(RENEWAL_PATHS.identifier.request);
      const res = await browser.post(RENEWAL_PATHS.identifier.request, {
        numic: c.numic,
        courriel: c.email,
        code: await browser.captchaAnswer('request'),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.html).toContain(ERRORS.tooMany.title);
    }
    expect(statuses).toEqual([303, 303, 303, 429]);
  });

  it('loses nothing when a web instance restarts in the middle of a journey', { timeout: 120_000 }, async () => {
    const c = await citizen();
    const browser = new PageClient(alternating([webPorts[0]]) as never, undefined, config.web.publicBaseUrl);
    await browser.get(RENEWAL_PATHS.identifier.request);
    expect(
      (
        await browser.post(RENEWAL_PATHS.identifier.request, {
          numic: c.numic,
          courriel: c.email,
          code: await browser.captchaAnswer('request'),
        })
      ).status,
    ).toBe(303);
    const link = await linkOf(c.email);
    await browser.get(link); // the link page's code, in this browser's cookie

    await procs.get('web-1')!.stop();
    await startApps([webSpec(0)]);

    const done = await browser.post(link, { secret: c.password, code: await browser.captchaAnswer('link') });
    expect(done.status).toBe(303);
    expect((await browser.get(RENEWAL_PATHS.identifier.done)).html).toMatch(/id="nouvel-identifiant"/);
  });

  it('completes 50 renewals when one worker is killed with SIGKILL in the middle', { timeout: 240_000 }, async () => {
    const citizens = await Promise.all(Array.from({ length: 50 }, citizen));
    await Promise.all(citizens.map((c) => renewals.requestRenewal({ kind: 'identifier', numic: c.numic, email: c.email })));
    await linkOf(citizens[24]!.email); // some links out, the rest in flight
    procs.get('worker-1')!.signalGroup('SIGKILL');

    const results = await Promise.all(
      citizens.map(async (c) => {
        const token = (await linkOf(c.email)).split('/').at(-1)!;
        // As a citizen would: a link whose email the killed worker sent waits for its retry to be recorded.
        const workflowId = renewals.workflowIdFor(c.numic);
        for (let deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
          const status = await renewals.status(workflowId);
          if (status.status === 'found' && status.linksSent >= 1) break;
        }
        return renewals.submitSecret('identifier', token, c.password);
      }),
    );
    expect(results.filter((r) => r.status !== 'completed')).toEqual([]);
    for (const [i, c] of citizens.entries()) {
      const result = results[i]!;
      const account = (await registry.findByNumicAndEmail(c.numic, c.email))!;
      expect(result.status === 'completed' && result.kind === 'identifier' && result.identifier).toBe(account.identifier);
    }
    expect(new Set(results.map((r) => (r.status === 'completed' && r.kind === 'identifier' ? r.identifier : ''))).size).toBe(50);
  });
});
