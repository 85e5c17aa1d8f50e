/**
 * Operators decode on `npm start`: the Temporal UI of the embedded setup (the test run's dev server,
 * pointed at the codec server) shows a renewal's French summary, decoded, with no session opened
 * and no setting ticked, in real Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { appsBuild, codecServer, compileAppsJob } from '../../dev/stack/apps.js';
import { Stack } from '../../dev/stack/stack.js';
import { launchChromium } from '../support/browser/browser.js';
import { connectDevServer, startRenewalHarness, type DevServer, type RenewalHarness } from '../support/renewal-harness.js';
import { join } from 'node:path';

let dev: DevServer;
let h: RenewalHarness;
let stack: Stack;
let browser: Browser;
const config = loadConfig(process.env);

beforeAll(async () => {
  stack = new Stack(join(config.dataDir, 'codec-ui'));
  const build = appsBuild(join(config.dataDir, 'codec-ui'));
  await stack.run(compileAppsJob(build.compiled, process.env));
  await stack.start([codecServer(config, process.env, build)]);
  dev = await connectDevServer();
  h = await startRenewalHarness(dev);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await dev?.close();
  await stack?.stop();
});

describe('the Temporal UI of the embedded setup', () => {
  it('shows a renewal’s summary decoded, at once', { timeout: 120_000 }, async () => {
    const account = await h.createAccount();
    await h.renewals.requestRenewal({ kind: 'password', numic: account.numic, email: account.email });
    await h.linkToken(account.email, 1, 'password');
    const page = await browser.newPage();
    const codecCalls: number[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(`http://localhost:${config.codecServer.port}/`)) codecCalls.push(res.status());
    });
    await page.goto(`http://localhost:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows/${account.workflowId}`);
    await page.getByText('Renouvellement de mot de passe demandé sur le portail').first().waitFor({ timeout: 60_000 });
    expect(codecCalls.length).toBeGreaterThan(0);
    expect(codecCalls.every((status) => status === 200 || status === 204)).toBe(true);
    await expect.poll(() => page.getByText('Codec Server could not connect').count()).toBe(0);
    await h.renewals.cancel(account.workflowId, 'fin du test');
  });
});
