/**
 * Phase 1: complete identifier renewals through the real HTTP endpoints, C citizens at a time.
 * Each citizen: request form (screen 2) → confirmation (3) → link email → link page (5) → the SMS
 * password → new identifier (6). Three HTTP steps are the ones compared with the baseline; the
 * others are measured too, and the wait for the email is measured apart (it is not an HTTP step).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { SECRET_FIELD } from '../../web/views/link.js';
import type { BenchCitizen } from './accounts.js';
import { HttpCitizen, expectPage, type Page } from './citizen.js';
import type { Mailpit } from './mailpit.js';
import { runPool, type PoolResult } from './pool.js';
import { type Timings } from './stats.js';

/** The steps compared with the baseline's three round trips, in order. */
export const KEY_STEPS = ['request POST', 'link GET', 'password POST'] as const;
export const EMAIL_WAIT = 'email wait';
/** Link GETs that came before the workflow had recorded the link it emailed (see linkPage). */
export const EARLY_LINK_GET = 'early link GET';

const NEW_IDENTIFIER = /id="nouvel-identifiant"[^>]*>\s*([^<\s]+)\s*</;
const PATHS = RENEWAL_PATHS.identifier;

async function step(timings: Timings, name: string, send: () => Promise<Page>, status: number, location?: string): Promise<Page> {
  const started = performance.now();
  const page = await send();
  const ms = performance.now() - started;
  expectPage(name, page, status, location);
  timings.add(name, ms);
  return page;
}

/**
 * The link page. The worker's activity sends the email, then reports the link's hash, which the
 * workflow records in its next task: for that short while the link is still unknown to the
 * workflow and its page answers 404, a window the bench (which opens the link within
 * milliseconds of its arrival) falls into now and then, and a citizen practically never. Such a
 * GET is counted and timed apart, then the page is asked again after a pause (not timed: the
 * citizen would still be reading the email); a link still unknown after 10 s fails the renewal.
 */
async function linkPage(timings: Timings, browser: HttpCitizen, path: string): Promise<Page> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const started = performance.now();
    const page = await browser.get(path);
    const ms = performance.now() - started;
    if (page.status !== 404 || performance.now() >= deadline) {
      expectPage('link GET', page, 200);
      timings.add('link GET', ms);
      return page;
    }
    timings.add(EARLY_LINK_GET, ms);
    await sleep(50);
  }
}

/** One complete renewal; throws with the step that went wrong. */
export async function renewThroughWeb(baseUrl: string, mailpit: Mailpit, citizen: BenchCitizen, timings: Timings): Promise<void> {
  const browser = new HttpCitizen(baseUrl);
  await step(timings, 'form GET', () => browser.get(PATHS.request), 200);
  const requestCode = await browser.captcha('request');
  await step(
    timings,
    'request POST',
    () => browser.post(PATHS.request, { numic: citizen.numic, courriel: citizen.email, ...requestCode }),
    303,
    PATHS.confirmation,
  );
  await step(timings, 'confirmation GET', () => browser.get(PATHS.confirmation), 200);

  const link = await timings.time(EMAIL_WAIT, () => mailpit.waitForLink(citizen.email));

  // A query to the workflow: showing the page changes nothing.
  await linkPage(timings, browser, link.path);
  const linkCode = await browser.captcha('link');
  await step(timings, 'password POST', () => browser.post(link.path, { [SECRET_FIELD]: citizen.password, ...linkCode }), 303, PATHS.done);
  const shown = await step(timings, 'identifier GET', () => browser.get(PATHS.done), 200);
  const identifier = NEW_IDENTIFIER.exec(shown.html)?.[1];
  if (!identifier) throw new Error('screen 6 shows no identifier');
  if (identifier === citizen.identifier) throw new Error('screen 6 shows the old identifier');
}

export function runEndToEnd(
  baseUrl: string,
  mailpit: Mailpit,
  citizens: BenchCitizen[],
  concurrency: number,
  timings: Timings,
  signal?: AbortSignal,
): Promise<PoolResult> {
  return runPool(citizens.length, concurrency, (i) => renewThroughWeb(baseUrl, mailpit, citizens[i]!, timings), signal);
}
