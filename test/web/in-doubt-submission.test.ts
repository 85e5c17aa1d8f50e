/**
 * A submission the service cannot answer in time (no worker for a moment: a crash, a deployment)
 * is not lost, and its result is not either: with the real stack, the citizen submits the right
 * password while the worker is down, is told it is in progress (503, never a 500), and once a
 * worker is back the same browser's link page shows the new identifier the registry now holds,
 * read back by the update's ID. A stranger with the link alone learns nothing; nothing ran twice.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewalClientFor } from '../../client/renewals.js';
import { connectTemporal, type TemporalClient } from '../../client/connect.js';
import { LINK_EMAIL_SUBJECT } from '../../copy/emails.js';
import { LINK } from '../../copy/pages.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import { waitForMessage } from '../support/mailpit.js';
import { PageClient, mainOf, textOf } from '../support/page-client.js';
import { startRealStack, type RealStack } from '../support/real-stack.js';

const { request, link: linkPath, done } = RENEWAL_PATHS.identifier;
/** How long the page waits on the update here: the worker is down, so every wait runs out. */
const UPDATE_DEADLINE_MS = 1_500;

let stack: RealStack;
let temporal: TemporalClient;

beforeAll(async () => {
  // Each browser its own client address (X-Forwarded-For): no other test's requests count against it.
  stack = await startRealStack({ TRUST_PROXY: 'true' });
  temporal = await connectTemporal(stack.config);
});

afterAll(async () => {
  await temporal?.close();
  await stack?.stop();
});

async function waitUntil<T>(attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('a submission while no worker runs', () => {
  it('is in progress, then shows its outcome to the citizen once a worker is back', async () => {
    const renewals = renewalClientFor(temporal.client, stack.config, { updateDeadlineMs: UPDATE_DEADLINE_MS });
    const app = createApp({ ...stack.deps, renewals });
    const citizen = await stack.createCitizen();
    const browser = new PageClient(app, undefined, stack.config.web.publicBaseUrl);

    await browser.get(request);
    const requested = await browser.post(request, {
      numic: citizen.numic,
      courriel: citizen.email,
      code: await browser.captchaAnswer('request'),
    });
    expect(requested.status).toBe(303);
    const mail = await waitForMessage(stack.config, { to: citizen.email, subject: LINK_EMAIL_SUBJECT.identifier });
    const token = new RegExp(`${linkPath}/(\\S+)`).exec(mail.text)![1]!;
    const url = `${linkPath}/${token}`;
    expect((await browser.get(url)).status).toBe(200);

    await stack.stopWorker();
    const waiting = await browser.post(url, { secret: citizen.password, code: await browser.captchaAnswer('link') });
    expect(waiting.status).toBe(503);
    expect(textOf(mainOf(waiting.html))).toContain(LINK.inProgress.title);
    // Still no worker: the link page says the same, and so does a second try at submitting.
    expect((await browser.get(url)).status).toBe(503);
    expect((await browser.post(url, { secret: citizen.password, code: '0000' })).status).toBe(303);

    await stack.startWorker();
    const shown = await waitUntil(async () => {
      const page = await browser.get(url);
      return page.status === 503 ? undefined : page;
    });
    expect(shown.status).toBe(303);
    expect(shown.headers.get('location')).toBe(done);
    const identifier = /id="nouvel-identifiant"[^>]*>([^<]+)</.exec((await browser.get(done)).html)?.[1];
    expect(identifier).toBeDefined();
    expect(identifier).not.toBe(citizen.identifier);
    expect((await stack.registry.findByIdentifier(identifier!))?.numic).toBe(citizen.numic);
    expect(await stack.registry.findByIdentifier(citizen.identifier)).toBeNull();

    // The link is spent, and another browser with it sees only that.
    const stranger = new PageClient(app, undefined, stack.config.web.publicBaseUrl);
    const seen = await stranger.get(url);
    expect(seen.status).toBe(410);
    expect(seen.html).not.toContain(identifier);
    // The renewal ends completed once its notices are out (one change: the update ran once).
    const workflowId = stack.deps.renewals.workflowIdFor(citizen.numic);
    const status = await waitUntil(async () => {
      const found = await stack.deps.renewals.status(workflowId);
      return found.status === 'found' && found.outcome ? found : undefined;
    });
    expect(status).toMatchObject({ outcome: 'completed', linksSent: 1 });
    // An update ID the run never saw reads as `unknown`: the link page then shows the link as it is.
    expect(await renewals.submissionOutcome(token, randomUUID())).toEqual({ status: 'unknown' });
  }, 120_000);
});
