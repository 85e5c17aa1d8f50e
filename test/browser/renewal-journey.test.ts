/**
 * Both renewals in real Chromium against the real stack: the web app served on the test port, a
 * real worker in this process, Temporal, FerretDB, Mailpit and Redis from the global setup, the
 * development SMS outbox. Each journey runs with JavaScript on (htmx enhancing) and off (plain
 * forms), in a browser context of its own (its own cookies, as a citizen's browser would be).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevSmsProvider, type DevSms } from '../../adapters/sms/dev-provider.js';
import { durationInWords } from '../../copy/durations.js';
import { LINK_EMAIL_SUBJECT, SMS, credentialChangedEmail } from '../../copy/emails.js';
import { CODE, CONFIRMATION, HELP, LINK, LOGIN, NEW_IDENTIFIER, PASSWORD_SENT, REQUEST, SITE, deadLink } from '../../copy/pages.js';
import { isWellFormedIdentifier, randomIdentifier } from '../../domain/identifier.js';
import { canonicalGeneratedPassword } from '../../domain/password.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { waitForMessage } from '../support/mailpit.js';
import { startRealStack, type Citizen, type RealStack } from '../support/real-stack.js';
import { collectCspViolations, launchChromium, screenshot, seriousAxeViolations } from '../support/browser/browser.js';
import { rgaa } from '../support/browser/rgaa.js';

let stack: RealStack;
let server: ServerType;
let browser: Browser;
let base: string;
let outbox: ReturnType<typeof createDevSmsProvider>;

/** Only the dates in a dead link's words depend on the delays, and the titles checked here have none. */
const NO_DELAYS = { linkTtl: '' };

beforeAll(async () => {
  // The per-address counters live in the shared Redis, keyed by 127.0.0.1 for every test file of
  // the run (confirmation-timing posts a lot): the default 30 POSTs a window would refuse ours.
  stack = await startRealStack({ RATE_LIMIT_PER_IP: '1000' });
  base = stack.config.web.publicBaseUrl;
  if (stack.config.sms.provider !== 'dev') throw new Error('the browser tests read the new password from the development SMS outbox');
  // The worker's own provider writes there (createActivityDependencies); this one only reads it.
  outbox = createDevSmsProvider(stack.config.sms.dir);
  const app = createApp(stack.deps);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: stack.config.web.host, port: stack.config.web.port }, () => resolve(s));
  });
  expect((server.address() as AddressInfo).port).toBe(stack.config.web.port);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

/**
 * The SMS sent to this phone since `since` whose text is `template(x)`, and its x. The outbox is the
 * whole run's, and phone numbers repeat across real stacks (+33612340001 is every stack's first
 * citizen): the time and the exact wording tell ours apart.
 */
async function smsSince(phone: string, since: string, template: (value: string) => string): Promise<{ sms: DevSms; value: string }> {
  // A template without a placeholder (a fixed text) matches as a whole, with an empty value.
  const [head = '', tail = ''] = template('\u0000').split('\u0000');
  let found: DevSms | undefined;
  await expect
    .poll(
      async () => {
        found = (await outbox.read()).find((m) => m.to === phone && m.sentAt >= since && m.text.startsWith(head) && m.text.endsWith(tail));
        return found !== undefined;
      },
      { timeout: 20_000, message: `an SMS to ${phone} like « ${template('…')} »` },
    )
    .toBe(true);
  return { sms: found!, value: found!.text.slice(head.length, found!.text.length - tail.length) };
}

/** The link of the newest link email of this kind to this citizen, checked to carry neither NUMIC nor email. */
async function emailedLink(kind: RenewalKind, citizen: Citizen): Promise<string> {
  const mail = await waitForMessage(stack.config, { to: citizen.email, subject: LINK_EMAIL_SUBJECT[kind] });
  const link = new RegExp(`${base}${RENEWAL_PATHS[kind].link}/(\\S+)`).exec(mail.text);
  expect(link, mail.text).not.toBeNull();
  expect(link![1]).toMatch(/^[A-Za-z0-9_-]{124}$/);
  expect(link![0]).not.toContain(citizen.numic);
  expect(link![0]).not.toContain(encodeURIComponent(citizen.email));
  return link![0];
}

/** One citizen's browser for one journey: screenshots numbered from 01, CSP violations collected. */
async function openJourney(prefix: string, javaScriptEnabled: boolean) {
  const context: BrowserContext = await browser.newContext({ javaScriptEnabled, locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  if (javaScriptEnabled) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page: Page = await context.newPage();
  const csp = collectCspViolations(page);
  let step = 0;

  /** The answer of this browser's current security code for a form (test hook: it reads the code cookie). */
  const codeAnswer = async (purpose: 'request' | 'link' | 'help' | 'login'): Promise<string> => {
    const res = await page.request.get(`${base}/__test/captcha?for=${purpose}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { answer: string }).answer;
  };

  return {
    page,
    csp,
    codeAnswer,
    close: () => context.close(),

    /** Screenshot and axe-core check of the screen as it is now. */
    async capture(label: string) {
      step++;
      await screenshot(page, `${prefix}-${String(step).padStart(2, '0')}-${label}`);
      const violations = await seriousAxeViolations(page, { javaScriptEnabled });
      expect(violations, `axe on ${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    },

    /** Marks the current document; a full page load loses the mark, an htmx swap keeps it. */
    markDocument: () => page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true)),
    sameDocument: () => page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument === true),

    /** Screen 2 filled in right: the request is accepted and screen 3 shown. */
    async request(kind: RenewalKind, citizen: Citizen) {
      await page.getByLabel(REQUEST.numic).fill(citizen.numic);
      await page.getByLabel(REQUEST.email).fill(citizen.email);
      await page.getByLabel(CODE.label).fill(await codeAnswer('request'));
      await page.getByRole('button', { name: REQUEST[kind].submit }).click();
      await page.waitForURL(`${base}${RENEWAL_PATHS[kind].confirmation}`);
      const main = await page.textContent('main');
      expect(main).toContain(CONFIRMATION.alertTitle);
      for (const line of CONFIRMATION.body(kind, durationInWords(stack.config.renewal.linkTtlMs))) expect(main).toContain(line);
    },

    /** Screen 1: these credentials are refused (one generic message). */
    async loginRefused(identifier: string, password: string) {
      await page.goto(`${base}${PATHS.login}`);
      await page.getByRole('textbox', { name: LOGIN.identifier }).fill(identifier);
      await page.getByLabel(LOGIN.password, { exact: true }).fill(password);
      await page.getByRole('button', { name: LOGIN.submit }).click();
      await page.locator('#resume-erreurs').waitFor();
      expect(await page.textContent('main')).toContain(LOGIN.errors.failed);
    },

    /** Screen 1: these credentials open the account page. */
    async loginAccepted(identifier: string, password: string) {
      await page.getByRole('textbox', { name: LOGIN.identifier }).fill(identifier);
      await page.getByLabel(LOGIN.password, { exact: true }).fill(password);
      await page.getByRole('button', { name: LOGIN.submit }).click();
      await page.waitForURL(`${base}${PATHS.account}`);
      expect(await page.getByTestId('identifiant-connecte').textContent()).toBe(identifier);
    },
  };
}

type Journey = Awaited<ReturnType<typeof openJourney>>;

const modes = [
  { name: 'js', javaScriptEnabled: true },
  { name: 'sans-js', javaScriptEnabled: false },
] as const;

// RGAA 7.2: without JavaScript, each journey works all the same (its scripts only enhance it).
describe.each(modes)(`${rgaa('7.2')} renewal journeys in Chromium ($name)`, ({ name, javaScriptEnabled }) => {
  let journey: Journey | undefined;

  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('renews a lost identifier through the six screens, then logs in with it', { timeout: 180_000 }, async () => {
    journey = await openJourney(`identifiant-${name}`, javaScriptEnabled);
    const { page, capture, codeAnswer, markDocument, sameDocument } = journey;
    const citizen = await stack.createCitizen();

    // Screen 1: the login page, its AIDE icon and the two recovery links.
    await page.goto(`${base}${PATHS.login}`);
    await expect.poll(() => page.title()).toContain(LOGIN.title);
    if (javaScriptEnabled) await page.waitForFunction(() => 'htmx' in globalThis);
    expect(await page.getByRole('link', { name: LOGIN.lostPassword }).getAttribute('href')).toBe(RENEWAL_PATHS.password.request);
    await capture('connexion');

    await page.getByRole('link', { name: SITE.help, exact: true }).first().click();
    await page.waitForURL(`${base}${PATHS.help}`);
    await capture('aide');
    const helpName = `Usager ${stack.run} ${name}`;
    await page.getByLabel(HELP.name).fill(helpName);
    await page.getByLabel(HELP.email, { exact: false }).fill(citizen.email);
    await page.getByLabel(HELP.message, { exact: false }).fill('Je n’ai pas reçu mon identifiant par courriel.');
    await page.getByLabel(CODE.label).fill(await codeAnswer('help'));
    await page.getByRole('button', { name: HELP.submit }).click();
    await page.waitForURL(`${base}${PATHS.helpSent}`);
    await expect.poll(() => page.textContent('main')).toContain(HELP.sent);
    await capture('aide-message-envoye');
    const helpMail = await waitForMessage(stack.config, { to: stack.config.smtp.helpdesk, subject: helpName });
    expect(helpMail.text).toContain(citizen.email);

    await page.goto(`${base}${PATHS.login}`);
    await page.getByRole('link', { name: LOGIN.lostIdentifier }).click();
    await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.request}`);

    // Screen 2: errors first (inline with htmx, by a full page without JavaScript), values kept.
    await capture('demande');
    await markDocument();
    await page.getByLabel(REQUEST.numic).fill('AB-12');
    await page.getByLabel(REQUEST.email).fill(citizen.email);
    await page.getByLabel(CODE.label).fill('12');
    await page.getByRole('button', { name: REQUEST.identifier.submit }).click();
    await page.locator('#resume-erreurs').waitFor();
    expect(await page.locator('#numic-erreur').textContent()).toBe(REQUEST.errors.numicFormat);
    expect(await page.locator('#code-erreur').textContent()).toBe(CODE.errors.format);
    expect(await page.getByLabel(REQUEST.email).inputValue()).toBe(citizen.email);
    expect(await page.getByLabel(REQUEST.numic).inputValue()).toBe('AB-12');
    expect(await page.getByLabel(CODE.label).inputValue()).toBe('');
    expect(await sameDocument()).toBe(javaScriptEnabled);
    // The summary has the focus: moved there by enhance.js after the swap, by autofocus on a full page load.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('resume-erreurs');
    expect(await page.title()).toMatch(/^Erreur – /);
    await capture('demande-erreurs');

    // A new security code: a new picture and a new spoken version, the values typed kept.
    const image = page.locator('.captcha__image');
    const audio = page.locator('.captcha audio');
    const [imageBefore, audioBefore] = [await image.getAttribute('src'), await audio.getAttribute('src')];
    expect(imageBefore).toMatch(/^data:image\/png;base64,/);
    expect(audioBefore).toMatch(new RegExp(`^${PATHS.captcha}/request/audio\\?c=`));
    await page.getByRole('button', { name: CODE.refresh }).click();
    await expect.poll(() => image.getAttribute('src')).not.toBe(imageBefore);
    const audioAfter = await audio.getAttribute('src');
    expect(audioAfter).not.toBe(audioBefore);
    expect(await page.getByRole('link', { name: CODE.audioLink }).getAttribute('href')).toBe(audioAfter);
    expect(await page.getByRole('link', { name: CODE.noCodeHelpLink }).getAttribute('href')).toBe(`${PATHS.help}#contact`);
    expect(await page.getByLabel(REQUEST.numic).inputValue()).toBe('AB-12');
    if (javaScriptEnabled) await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('code');
    await journey.request('identifier', citizen);

    // Screen 3: the confirmation.
    await capture('confirmation');

    // Screen 4: the email, read in Mailpit.
    const link = await emailedLink('identifier', citizen);

    // Screen 5: the link page (opening it changes nothing); a wrong password says how many attempts remain.
    const response = await page.goto(link);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('#secret').getAttribute('autocomplete')).toBe('current-password');
    expect(await page.locator('#secret').getAttribute('type')).toBe('password');
    expect(await page.textContent('main')).toContain(LINK.attempts(3));
    expect(await page.textContent('main')).toMatch(/Ce lien est encore valable (59 minutes|1 heure)\./);
    await capture('lien');
    await markDocument();
    await page.getByLabel(LINK.identifier.secret).fill('Pas-le-bon-mot-de-passe');
    await page.getByLabel(CODE.label).fill(await codeAnswer('link'));
    await page.getByRole('button', { name: LINK.identifier.submit }).click();
    await page.locator('#secret-erreur').waitFor();
    expect(await page.locator('#secret-erreur').textContent()).toBe(LINK.identifier.wrongSecret(2));
    expect(await page.textContent('main')).toContain(LINK.attempts(2));
    expect(await page.getByLabel(LINK.identifier.secret).inputValue()).toBe('');
    expect(await page.content()).not.toContain('Pas-le-bon-mot-de-passe');
    expect(await sameDocument()).toBe(javaScriptEnabled);
    await capture('lien-mot-de-passe-incorrect');

    const since = new Date().toISOString();
    await page.getByLabel(LINK.identifier.secret).fill(citizen.password);
    await page.getByLabel(CODE.label).fill(await codeAnswer('link'));
    await page.getByRole('button', { name: LINK.identifier.submit }).click();

    // Screen 6: the new identifier, shown once, with a copy button when JavaScript runs.
    await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.done}`);
    const identifier = (await page.getByTestId('nouvel-identifiant').textContent())!.trim();
    expect(isWellFormedIdentifier(identifier)).toBe(true);
    expect(identifier).not.toBe(citizen.identifier);
    const copy = page.getByRole('button', { name: NEW_IDENTIFIER.copy });
    if (javaScriptEnabled) {
      await copy.click();
      await expect.poll(() => page.locator('#copie-statut').textContent()).toBe(NEW_IDENTIFIER.copied);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(identifier);
    } else {
      expect(await copy.isVisible()).toBe(false);
    }
    await capture('nouvel-identifiant');

    // Going back to it, or reloading it, does not show the identifier again.
    await page.getByRole('link', { name: NEW_IDENTIFIER.login }).click();
    await page.waitForURL(`${base}${PATHS.login}`);
    await page.goBack();
    await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.done}`);
    await expect.poll(() => page.textContent('main')).toContain(NEW_IDENTIFIER.goneTitle);
    expect(await page.content()).not.toContain(identifier);
    await page.reload();
    expect(await page.content()).not.toContain(identifier);
    await capture('nouvel-identifiant-plus-affiche');

    // The link is now dead: its own page, with a way to start again.
    await page.goto(link);
    await expect.poll(() => page.locator('h1').textContent()).toBe(deadLink('identifier', 'already-used', NO_DELAYS).title);
    expect(await page.getByRole('link', { name: SITE.startAgain }).getAttribute('href')).toBe(RENEWAL_PATHS.identifier.request);
    await capture('lien-deja-utilise');

    // Screen 1 again: the old identifier is refused, the new one works with the same password.
    await journey.loginRefused(citizen.identifier, citizen.password);
    await capture('connexion-ancien-identifiant-refuse');
    await journey.loginAccepted(identifier, citizen.password);
    await capture('espace');

    // The citizen is told by email and by SMS too.
    await waitForMessage(stack.config, {
      to: citizen.email,
      subject: credentialChangedEmail('identifier', stack.config.smtp.helpdesk).subject,
    });
    await smsSince(citizen.phone, since, () => SMS.identifierChanged);
    expect(journey.csp).toEqual([]);
  });

  it('renews a lost password: the link page asks for the identifier, the new password comes by SMS', { timeout: 180_000 }, async () => {
    journey = await openJourney(`mot-de-passe-${name}`, javaScriptEnabled);
    const { page, capture, codeAnswer, markDocument, sameDocument } = journey;
    const citizen = await stack.createCitizen();

    // Screen 1, then screen 2 of a password renewal.
    await page.goto(`${base}${PATHS.login}`);
    if (javaScriptEnabled) await page.waitForFunction(() => 'htmx' in globalThis);
    await page.getByRole('link', { name: LOGIN.lostPassword }).click();
    await page.waitForURL(`${base}${RENEWAL_PATHS.password.request}`);
    expect(await page.locator('h1').textContent()).toBe(REQUEST.password.title);
    expect(await page.textContent('main')).toContain(REQUEST.password.ruleNote);
    await capture('demande');
    await journey.request('password', citizen);

    // Screen 3: the same confirmation, asking to keep the current identifier at hand.
    await capture('confirmation');

    // Screen 4: the email.
    const link = await emailedLink('password', citizen);

    // Screen 5: the current identifier (a plain text field), and a wrong one first.
    const response = await page.goto(link);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('h1').textContent()).toBe(LINK.password.title);
    expect(await page.locator('#secret').getAttribute('autocomplete')).toBe('username');
    expect(await page.locator('#secret').getAttribute('type')).toBe('text');
    expect(await page.textContent('main')).toMatch(/Ce lien est encore valable (59 minutes|1 heure)\./);
    await capture('lien');
    await markDocument();
    const wrong = randomIdentifier();
    await page.getByLabel(LINK.password.secret).fill(wrong);
    await page.getByLabel(CODE.label).fill(await codeAnswer('link'));
    await page.getByRole('button', { name: LINK.password.submit }).click();
    await page.locator('#secret-erreur').waitFor();
    expect(await page.locator('#secret-erreur').textContent()).toBe(LINK.password.wrongSecret(2));
    expect(await page.textContent('main')).toContain(LINK.attempts(2));
    expect(await sameDocument()).toBe(javaScriptEnabled);
    await capture('lien-identifiant-incorrect');

    const since = new Date().toISOString();
    await page.getByLabel(LINK.password.secret).fill(citizen.identifier);
    await page.getByLabel(CODE.label).fill(await codeAnswer('link'));
    await page.getByRole('button', { name: LINK.password.submit }).click();

    // Screen 6: the password went by SMS to the number ending in these two digits; never on the page.
    await page.waitForURL(`${base}${RENEWAL_PATHS.password.done}`);
    expect(await page.locator('h1').textContent()).toBe(PASSWORD_SENT.title);
    expect(await page.getByTestId('sms-destinataire').textContent()).toBe(PASSWORD_SENT.sentTo(citizen.phone.slice(-2)));
    const { value: password } = await smsSince(citizen.phone, since, SMS.newPassword);
    expect(canonicalGeneratedPassword(password)).toBe(password);
    expect(await page.content()).not.toContain(password);
    await capture('mot-de-passe-envoye');

    // Going back to it, or reloading it, shows a notice instead.
    await page.getByRole('link', { name: PASSWORD_SENT.login }).click();
    await page.waitForURL(`${base}${PATHS.login}`);
    await page.goBack();
    await page.waitForURL(`${base}${RENEWAL_PATHS.password.done}`);
    await expect.poll(() => page.textContent('main')).toContain(PASSWORD_SENT.goneTitle);
    await page.reload();
    expect(await page.textContent('main')).toContain(PASSWORD_SENT.goneTitle);
    expect(await page.getByTestId('sms-destinataire').count()).toBe(0);
    await capture('mot-de-passe-envoye-plus-affiche');

    // The link is now dead.
    await page.goto(link);
    await expect.poll(() => page.locator('h1').textContent()).toBe(deadLink('password', 'already-used', NO_DELAYS).title);
    expect(await page.getByRole('link', { name: SITE.startAgain }).getAttribute('href')).toBe(RENEWAL_PATHS.password.request);
    await capture('lien-deja-utilise');

    // Screen 1 again: the old password is refused, the new one from the SMS works with the same identifier.
    await journey.loginRefused(citizen.identifier, citizen.password);
    await capture('connexion-ancien-mot-de-passe-refuse');
    await journey.loginAccepted(citizen.identifier, password);
    await capture('espace');

    await waitForMessage(stack.config, {
      to: citizen.email,
      subject: credentialChangedEmail('password', stack.config.smtp.helpdesk).subject,
    });
    expect(journey.csp).toEqual([]);
  });
});

describe('error pages and the small-screen menu in Chromium', () => {
  it('are accessible, and the AIDE entry is reachable from the mobile menu', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const csp = collectCspViolations(page);
    try {
      const check = async (label: string) => {
        await screenshot(page, `erreurs-${label}`);
        expect(await seriousAxeViolations(page, { javaScriptEnabled: true }), label).toEqual([]);
      };

      expect((await page.goto(`${base}/page-inexistante`))?.status()).toBe(404);
      await check('404');
      for (const [kind, label] of [
        ['identifier', 'identifiant'],
        ['password', 'mot-de-passe'],
      ] as const) {
        expect((await page.goto(`${base}${RENEWAL_PATHS[kind].link}/lien-tronque`))?.status()).toBe(404);
        expect(await page.locator('h1').textContent()).toBe(deadLink(kind, 'unknown', NO_DELAYS).title);
        expect(await page.getByRole('link', { name: SITE.startAgain }).getAttribute('href')).toBe(RENEWAL_PATHS[kind].request);
        await check(`lien-inconnu-${label}`);
        expect((await page.goto(`${base}${RENEWAL_PATHS[kind].done}`))?.status()).toBe(410);
        await check(`${label}-plus-affiche`);
      }

      await page.goto(`${base}${PATHS.login}`);
      await page.waitForFunction(() => 'htmx' in globalThis);
      await page.getByRole('button', { name: SITE.menu }).click();
      const menu = page.getByRole('dialog');
      await menu.waitFor();
      await check('menu-mobile');
      await menu.getByRole('link', { name: SITE.help }).click();
      await page.waitForURL(`${base}${PATHS.help}`);
      expect(csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** What a media element says of itself, read in the page. */
interface MediaState {
  error: { code: number; message: string } | null;
  readyState: number;
  networkState: number;
  duration: number;
  currentTime: number;
  ended: boolean;
}

describe('the spoken security code in Chromium', () => {
  it('loads and plays the <audio> of the current code, and of the next one', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const csp = collectCspViolations(page);
    try {
      await page.goto(`${base}${RENEWAL_PATHS.identifier.request}`);
      await page.waitForFunction(() => 'htmx' in globalThis);
      const audio = page.locator('.captcha audio');
      expect(await audio.getAttribute('preload')).toBe('none');
      expect(await audio.getAttribute('controls')).not.toBeNull();

      // preload="none" fetches nothing until asked: load() with preload auto, then wait for playable data (or an error).
      const load = () =>
        audio.evaluate(
          (el: HTMLAudioElement) =>
            new Promise<MediaState>((resolve) => {
              const state = () => ({
                error: el.error ? { code: el.error.code, message: el.error.message } : null,
                readyState: el.readyState,
                networkState: el.networkState,
                duration: el.duration,
                currentTime: el.currentTime,
                ended: el.ended,
              });
              el.addEventListener('canplaythrough', () => resolve(state()), { once: true });
              el.addEventListener('error', () => resolve(state()), { once: true });
              el.preload = 'auto';
              el.load();
            }),
        );
      // play() as the page's own script would (Playwright's evaluate counts as a user gesture, so
      // no --autoplay-policy flag is needed), to the end. Each function goes to the page on its
      // own: the state reader is written out in both.
      const playToTheEnd = () =>
        audio.evaluate(
          (el: HTMLAudioElement) =>
            new Promise<MediaState & { playError: string | null }>((resolve) => {
              const state = (playError: string | null) => ({
                playError,
                error: el.error ? { code: el.error.code, message: el.error.message } : null,
                readyState: el.readyState,
                networkState: el.networkState,
                duration: el.duration,
                currentTime: el.currentTime,
                ended: el.ended,
              });
              el.addEventListener('ended', () => resolve(state(null)), { once: true });
              el.addEventListener('error', () => resolve(state('error event')), { once: true });
              // play() rejects when the autoplay policy refuses: said as playError, not a hang.
              el.play().catch((err: unknown) => resolve(state(String(err))));
            }),
        );

      const checkPlays = async () => {
        const loaded = await load();
        expect(loaded.error).toBeNull();
        expect(loaded.readyState).toBeGreaterThanOrEqual(2); // HAVE_CURRENT_DATA
        expect(loaded.duration).toBeGreaterThan(2);
        expect(loaded.duration).toBeLessThan(8);
        const played = await playToTheEnd();
        expect(played).toMatchObject({ playError: null, error: null, ended: true });
        expect(played.currentTime).toBeCloseTo(loaded.duration, 1);
        return loaded.duration;
      };

      await checkPlays();
      await screenshot(page, 'code-audio-ecoute');

      // The file itself: a WAV for this browser's code, never cached.
      const file = await page.request.get(`${base}${await audio.getAttribute('src')}`);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-type']).toBe('audio/wav');
      expect(file.headers()['cache-control']).toBe('no-store');
      const body = await file.body();
      expect(body.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(body.subarray(8, 12).toString('latin1')).toBe('WAVE');

      // Another code (htmx swaps the block): its own audio, which plays too.
      const before = await audio.getAttribute('src');
      await page.getByRole('button', { name: CODE.refresh }).click();
      await expect.poll(() => audio.getAttribute('src')).not.toBe(before);
      await checkPlays();
      expect(csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
