/**
 * Phase 1: complete renewals through the real HTTP endpoints, C citizens at a time. Each citizen:
 * request form (screen 2) → confirmation (3) → link email → link page (5) → password → new
 * identifier (6). Three HTTP steps are the ones compared with the baseline; the others are
 * measured too, and the wait for the email is measured apart (it is not an HTTP step).
 */
import { CONFIRMATION_PATH, REQUEST_PATH } from '../../web/routes/request.js';
import { NEW_IDENTIFIER_PATH } from '../../web/routes/link.js';
import type { BenchCitizen } from './accounts.js';
import { HttpCitizen, expectPage, type Page } from './citizen.js';
import type { Mailpit } from './mailpit.js';
import { runPool, type PoolResult } from './pool.js';
import { type Timings } from './stats.js';

/** The steps compared with the baseline's three round trips, in order. */
export const KEY_STEPS = ['request POST', 'link GET', 'password POST'] as const;
export const EMAIL_WAIT = 'email wait';

const NEW_IDENTIFIER = /id="nouvel-identifiant"[^>]*>\s*([^<\s]+)\s*</;

async function step(timings: Timings, name: string, send: () => Promise<Page>, status: number, location?: string): Promise<Page> {
  const started = performance.now();
  const page = await send();
  const ms = performance.now() - started;
  expectPage(name, page, status, location);
  timings.add(name, ms);
  return page;
}

/** One complete renewal; throws with the step that went wrong. */
export async function renewThroughWeb(baseUrl: string, mailpit: Mailpit, citizen: BenchCitizen, timings: Timings): Promise<void> {
  const browser = new HttpCitizen(baseUrl);
  await step(timings, 'form GET', () => browser.get(REQUEST_PATH), 200);
  const requestCode = await browser.captcha('request');
  await step(
    timings,
    'request POST',
    () => browser.post(REQUEST_PATH, { numic: citizen.numic, courriel: citizen.email, ...requestCode }),
    303,
    CONFIRMATION_PATH,
  );
  await step(timings, 'confirmation GET', () => browser.get(CONFIRMATION_PATH), 200);

  const link = await timings.time(EMAIL_WAIT, () => mailpit.waitForLink(citizen.email));

  await step(timings, 'link GET', () => browser.get(link.path), 200);
  const linkCode = await browser.captcha('link');
  await step(
    timings,
    'password POST',
    () => browser.post(link.path, { motDePasse: citizen.password, ...linkCode }),
    303,
    NEW_IDENTIFIER_PATH,
  );
  const shown = await step(timings, 'identifier GET', () => browser.get(NEW_IDENTIFIER_PATH), 200);
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
