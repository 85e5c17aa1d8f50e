/**
 * The portal checked as an RGAA audit checks it, in real Chromium against the real stack (as
 * renewal-journey.test.ts): every journey walked with the keyboard alone, what a screen reader gets
 * read from the accessibility tree, every screen laid out at 320 px, with text at 200 % and with
 * WCAG's text spacings, contrast in the light and the dark theme, the security code's other ways in,
 * and every screen of a journey on a slow 3G line. Each test names the RGAA criteria it checks
 * (rgaa(...)): the accessibility declaration lists as tested exactly those.
 *
 * The slow line is Chrome DevTools' « Slow 3G » (2 s round trip, 50 kB/s each way, see SLOW_3G).
 * The bound: a first visit, nothing cached, is usable (its stylesheets loaded, its content painted,
 * its heading and main action shown) within 20 s; every later screen, its assets cached, within
 * 10 s, a form's round trip included. The figures are written to test-results/slow-3g.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevSmsProvider } from '../../adapters/sms/dev-provider.js';
import { SCREENS, type ScreenId } from '../../copy/accessibility.js';
import { LINK_EMAIL_SUBJECT, SMS } from '../../copy/emails.js';
import { CODE, FORM, HELP, LINK, LOGIN, NEW_IDENTIFIER, PASSWORD_SENT, REQUEST, SITE, STEPPER, deadLink } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { repoRoot } from '../../dev/stack/paths.js';
import { createApp } from '../../web/app.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { waitForMessage } from '../support/mailpit.js';
import { startRealStack, type Citizen, type RealStack } from '../support/real-stack.js';
import {
  activeId,
  axFocused,
  axNode,
  axText,
  overflow,
  screenshotAsLaidOut,
  setTextSize,
  setTextSpacing,
  SLOW_3G,
  tabTo,
  throttle,
  walkWithTab,
} from '../support/browser/a11y.js';
import { collectCspViolations, contrastViolations, launchChromium, screenshot, seriousAxeViolations } from '../support/browser/browser.js';
import { rgaa } from '../support/browser/rgaa.js';
import { freePort } from '../support/ports.js';

let stack: RealStack;
let server: ServerType;
let browser: Browser;
let base: string;
let outbox: ReturnType<typeof createDevSmsProvider>;

const NO_DELAYS = { linkTtl: '' };
const DESKTOP = { width: 1280, height: 900 };

beforeAll(async () => {
  // As renewal-journey.test.ts: the per-address counters are the whole run's, keyed by 127.0.0.1.
  const port = await freePort();
  stack = await startRealStack({ RATE_LIMIT_PER_IP: '1000', WEB_PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` });
  base = stack.config.web.publicBaseUrl;
  if (stack.config.sms.provider !== 'dev') throw new Error('the browser tests read the new password from the development SMS outbox');
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

async function citizenBrowser(
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: DESKTOP, ...options });
  if (options.javaScriptEnabled !== false) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  return { context, page, csp: collectCspViolations(page) };
}

/**
 * The page's scripts have started: htmx, and DSFR's components. DSFR marks <html> with data-fr-js
 * when its module loads, but builds its components one frame after the DOM is ready: the theme it
 * sets on <html> (data-fr-theme, from the page's data-fr-scheme) says they are built.
 */
const ready = (page: Page) =>
  page.waitForFunction(
    () =>
      'htmx' in globalThis &&
      document.documentElement.hasAttribute('data-fr-js') &&
      document.documentElement.hasAttribute('data-fr-theme') &&
      document.readyState === 'complete',
  );

const codeAnswer = async (page: Page, purpose: 'request' | 'link' | 'help' | 'login') => {
  const res = await page.request.get(`${base}/__test/captcha?for=${purpose}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { answer: string }).answer;
};

async function emailedLink(kind: RenewalKind, citizen: Citizen): Promise<string> {
  const mail = await waitForMessage(stack.config, { to: citizen.email, subject: LINK_EMAIL_SUBJECT[kind] });
  const link = new RegExp(`${base}${RENEWAL_PATHS[kind].link}/\\S+`).exec(mail.text);
  expect(link, mail.text).not.toBeNull();
  return link![0];
}

async function newPasswordBySms(citizen: Citizen, since: string): Promise<string> {
  const [head = '', tail = ''] = SMS.newPassword('\u0000').split('\u0000');
  let text = '';
  await expect
    .poll(
      async () => {
        const sms = (await outbox.read()).find(
          (m) => m.to === citizen.phone && m.sentAt >= since && m.text.startsWith(head) && m.text.endsWith(tail),
        );
        text = sms?.text ?? '';
        return text !== '';
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return text.slice(head.length, text.length - tail.length);
}

/** Marks the document: a full page load loses the mark, an htmx swap keeps it. */
const markDocument = (page: Page) => page.evaluate(() => ((globalThis as unknown as { __same: boolean }).__same = true));
const sameDocument = (page: Page) => page.evaluate(() => (globalThis as unknown as { __same?: boolean }).__same === true);

/** Types into the focused field, replacing what it holds (select all, then type). */
async function retype(page: Page, text: string) {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Tabs to the form's submit button and presses Enter. */
async function submitWithEnter(page: Page) {
  await tabTo(page, 'main .form-submit');
  await page.keyboard.press('Enter');
}

/** After a failed submission: the summary is what has the focus, and it is an alert to assistive technologies. */
async function expectSummaryFocused(page: Page, where: string) {
  await page.locator('#resume-erreurs').waitFor();
  await expect.poll(() => activeId(page), { message: `${where}: focus on the error summary` }).toBe('resume-erreurs');
  const focused = await axFocused(page);
  expect(focused?.role, where).toBe('alert');
  expect((await axNode(page, '#resume-erreurs')).properties.live, where).toBe('assertive');
  expect(await page.title(), where).toMatch(new RegExp(`^${SITE.titleError}`));
}

describe('keyboard only, as announced to a screen reader', () => {
  it(
    `${rgaa('7.1', '7.3', '7.5', '10.7', '11.10', '12.7', '12.8', '12.9', '13.2')} renews a lost identifier with Tab, Shift+Tab, Enter and Space alone`,
    { timeout: 240_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser();
      const citizen = await stack.createCitizen();
      try {
        await page.goto(`${base}${PATHS.login}`);
        await ready(page);
        // RGAA 12.7: the first Tab reaches « Contenu », which takes the focus into the main content.
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#contenu');
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('contenu');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
        await walkWithTab(page, 'connexion');
        await tabTo(page, `a[href="${RENEWAL_PATHS.identifier.request}"]`);
        await page.keyboard.press('Enter');

        // Step 1: a submission with errors, swapped in by htmx; the summary's link takes the focus to its field.
        await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.request}`);
        await ready(page);
        expect(await page.title()).toContain(STEPPER.state(1, 4));
        await walkWithTab(page, 'demande');
        await tabTo(page, '#numic');
        await page.keyboard.type('AB-12');
        await tabTo(page, '#courriel');
        await page.keyboard.type(citizen.email);
        await markDocument(page);
        await submitWithEnter(page);
        await expectSummaryFocused(page, 'demande');
        expect(await sameDocument(page)).toBe(true);
        const numic = await axNode(page, '#numic');
        expect(numic.properties.invalid).toBe('true');
        expect(numic.description).toContain(REQUEST.errors.numicFormat);
        expect((await axNode(page, '#resume-erreurs a[href="#numic"]')).name).toContain(REQUEST.errors.numicFormat);
        await walkWithTab(page, 'demande en erreur');
        await tabTo(page, '#resume-erreurs a[href="#numic"]');
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('numic');
        await retype(page, citizen.numic);
        // Another security code, with Space on its button: the code field takes the focus and says why.
        const image = await page.locator('.captcha__image').getAttribute('src');
        await tabTo(page, 'button[value="nouveau-code"]');
        await page.keyboard.press('Space');
        await expect.poll(() => activeId(page)).toBe('code');
        expect(await page.locator('.captcha__image').getAttribute('src')).not.toBe(image);
        expect((await axNode(page, '#code')).description).toContain(CODE.refreshed);
        await page.keyboard.type(await codeAnswer(page, 'request'));
        await submitWithEnter(page);

        // Step 2.
        await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.confirmation}`);
        await ready(page);
        expect(await page.title()).toContain(STEPPER.state(2, 4));
        await walkWithTab(page, 'confirmation');

        // Step 3, opened from the email; the same link in a second tab, left open for later.
        const link = await emailedLink('identifier', citizen);
        await page.goto(link);
        await ready(page);
        const stale = await context.newPage();
        await stale.goto(link);
        await page.bringToFront();
        await walkWithTab(page, 'lien');
        // The time and the attempts left are text a screen reader reads with the page.
        const text = await axText(page);
        expect(text).toContain(LINK.attempts(3));
        expect(text).toMatch(/Ce lien est encore valable (59 minutes|1 heure)\./);
        await tabTo(page, '#secret');
        await page.keyboard.type('Pas-le-bon-mot-de-passe');
        // DSFR's « Afficher »: the next stop, a checkbox named for what it does, ticked with Space.
        await page.keyboard.press('Tab');
        expect(await activeId(page)).toBe('secret-afficher');
        const toggle = await axNode(page, '#secret-afficher');
        expect([toggle.role, toggle.name, String(toggle.properties.checked)]).toEqual(['checkbox', FORM.showPasswordLabel, 'false']);
        await page.keyboard.press('Space');
        expect(await page.locator('#secret').getAttribute('type')).toBe('text');
        expect(String((await axNode(page, '#secret-afficher')).properties.checked)).toBe('true');
        await page.keyboard.press('Space');
        expect(await page.locator('#secret').getAttribute('type')).toBe('password');
        await tabTo(page, '#code');
        await page.keyboard.type(await codeAnswer(page, 'link'));
        await submitWithEnter(page);
        await page.locator('#secret-erreur').waitFor();
        await expectSummaryFocused(page, 'lien');
        expect(await axText(page)).toContain(LINK.attempts(2));
        expect((await axNode(page, '#secret')).description).toContain(LINK.identifier.wrongSecret(2));
        await walkWithTab(page, 'lien en erreur');
        await tabTo(page, '#resume-erreurs a[href="#secret"]');
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('secret');
        await page.keyboard.type(citizen.password);
        await tabTo(page, '#code');
        await page.keyboard.type(await codeAnswer(page, 'link'));
        await submitWithEnter(page);

        // Step 4: the copy button, with Enter; its result is a status message.
        await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.done}`);
        await ready(page);
        expect(await page.title()).toContain(STEPPER.state(4, 4));
        const identifier = (await page.getByTestId('nouvel-identifiant').textContent())!.trim();
        await walkWithTab(page, 'nouvel identifiant');
        await tabTo(page, '[data-copy-target]');
        await page.keyboard.press('Enter');
        const status = await axNode(page, '#copie-statut');
        expect([status.role, status.properties.live]).toEqual(['status', 'polite']);
        await expect.poll(() => axText(page)).toContain(NEW_IDENTIFIER.copied);
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(identifier);

        // The tab left open: its form sent now, htmx swaps in the dead link's page, whose heading takes the focus.
        await stale.bringToFront();
        await ready(stale);
        await tabTo(stale, '#secret');
        await stale.keyboard.type(citizen.password);
        // Its code was drawn over since: a new one, with Space, and the focus is on the code field.
        await tabTo(stale, 'button[value="nouveau-code"]');
        await stale.keyboard.press('Space');
        await expect.poll(() => activeId(stale)).toBe('code');
        await stale.keyboard.type(await codeAnswer(stale, 'link'));
        await markDocument(stale);
        await submitWithEnter(stale);
        const gone = deadLink('identifier', 'already-used', NO_DELAYS).title;
        await expect.poll(() => stale.locator('h1').textContent()).toBe(gone);
        expect(await sameDocument(stale)).toBe(true);
        await expect.poll(() => stale.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        expect(await axFocused(stale)).toMatchObject({ role: 'heading', name: gone });
        await walkWithTab(stale, 'lien déjà utilisé');
        await stale.close();

        // Back to screen 1 with the new identifier, then out again.
        await page.bringToFront();
        await tabTo(page, `main a[href="${PATHS.login}"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.login}`);
        await ready(page);
        await tabTo(page, '#identifiant');
        await page.keyboard.type(identifier);
        await tabTo(page, '#motDePasse');
        await page.keyboard.type(citizen.password);
        await submitWithEnter(page);
        await page.waitForURL(`${base}${PATHS.account}`);
        await ready(page);
        await walkWithTab(page, 'espace');
        await tabTo(page, 'main button[type="submit"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.login}`);

        // RGAA 13.2: no page opened another window (the second tab was the test's own).
        expect(context.pages()).toHaveLength(1);
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it(
    `${rgaa('7.3', '10.7', '11.5', '11.6', '12.8', '12.9')} renews a lost password with the keyboard alone, a refused login announced first`,
    { timeout: 240_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser();
      const citizen = await stack.createCitizen();
      try {
        // Screen 1 refuses a wrong password: one alert, focused, read as an alert; the identifiers are a named group.
        await page.goto(`${base}${PATHS.login}`);
        await ready(page);
        const credentials = await axNode(page, '#identifiants');
        expect([credentials.role, credentials.name]).toEqual(['group', LOGIN.credentials]);
        await tabTo(page, '#identifiant');
        await page.keyboard.type(citizen.identifier);
        await tabTo(page, '#motDePasse');
        await page.keyboard.type('Pas-le-bon');
        await submitWithEnter(page);
        await expectSummaryFocused(page, 'connexion refusée');
        expect((await axFocused(page))?.role).toBe('alert');
        expect(await axText(page)).toContain(LOGIN.errors.failed);
        await walkWithTab(page, 'connexion refusée');
        // « Mot de passe perdu ou non reçu ? », inside DSFR's password component.
        await tabTo(page, `a[href="${RENEWAL_PATHS.password.request}"]`);
        await page.keyboard.press('Enter');

        await page.waitForURL(`${base}${RENEWAL_PATHS.password.request}`);
        await ready(page);
        const code = await axNode(page, '#code-securite-request');
        expect([code.role, code.name]).toEqual(['group', CODE.legend]);
        await tabTo(page, '#numic');
        await page.keyboard.type(citizen.numic);
        await tabTo(page, '#courriel');
        await page.keyboard.type(citizen.email);
        await tabTo(page, '#code');
        await page.keyboard.type(await codeAnswer(page, 'request'));
        await submitWithEnter(page);
        await page.waitForURL(`${base}${RENEWAL_PATHS.password.confirmation}`);

        const link = await emailedLink('password', citizen);
        await page.goto(link);
        await ready(page);
        await walkWithTab(page, 'lien (mot de passe)');
        const since = new Date().toISOString();
        await tabTo(page, '#secret');
        await page.keyboard.type(citizen.identifier);
        await tabTo(page, '#code');
        await page.keyboard.type(await codeAnswer(page, 'link'));
        await submitWithEnter(page);

        await page.waitForURL(`${base}${RENEWAL_PATHS.password.done}`);
        await ready(page);
        expect(await axText(page)).toContain(PASSWORD_SENT.sentTo(citizen.phone.slice(-2)));
        await walkWithTab(page, 'mot de passe envoyé');
        const password = await newPasswordBySms(citizen, since);

        await tabTo(page, `main a[href="${PATHS.login}"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.login}`);
        await ready(page);
        await tabTo(page, '#identifiant');
        await page.keyboard.type(citizen.identifier);
        await tabTo(page, '#motDePasse');
        await page.keyboard.type(password);
        await submitWithEnter(page);
        await page.waitForURL(`${base}${PATHS.account}`);
        expect(context.pages()).toHaveLength(1);
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it(
    `${rgaa('7.5', '10.7', '11.10', '12.6', '12.8', '12.9')} sends the help form with the keyboard alone`,
    { timeout: 120_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser();
      try {
        await page.goto(`${base}${PATHS.login}`);
        await ready(page);
        await tabTo(page, `header a[href="${PATHS.help}"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.help}`);
        await ready(page);
        // RGAA 12.6: the second quick link skips to the footer.
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#pied-de-page');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.closest('footer') !== null)).toBe(true);

        await walkWithTab(page, 'aide');
        await submitWithEnter(page);
        await expectSummaryFocused(page, 'aide');
        for (const [field, message] of [
          ['nom', HELP.errors.nameRequired],
          ['courriel', HELP.errors.emailRequired],
          ['message', HELP.errors.messageRequired],
          ['code', CODE.errors.required],
        ] as const) {
          const node = await axNode(page, `#${field}`);
          expect(node.properties.invalid, field).toBe('true');
          expect(node.description, field).toContain(message);
        }
        await walkWithTab(page, 'aide en erreur');
        await tabTo(page, '#resume-erreurs a[href="#nom"]');
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('nom');
        const name = `Usager clavier ${stack.run}`;
        await page.keyboard.type(name);
        await tabTo(page, '#courriel');
        await page.keyboard.type('usager.clavier@example.org');
        await tabTo(page, '#message');
        await page.keyboard.type('Je n’arrive pas à lire le code de sécurité.');
        await tabTo(page, '#code');
        await page.keyboard.type(await codeAnswer(page, 'help'));
        await submitWithEnter(page);
        await page.waitForURL(`${base}${PATHS.helpSent}`);
        await ready(page);
        await walkWithTab(page, 'message envoyé');
        await waitForMessage(stack.config, { to: stack.config.smtp.helpdesk, subject: name });
        // The declaration, from the footer's link.
        await tabTo(page, `footer a[href="${PATHS.accessibility}"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.accessibility}`);
        await ready(page);
        await walkWithTab(page, 'déclaration d’accessibilité');
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

describe('the security code for everyone', () => {
  it(
    `${rgaa('1.4', '1.5', '4.10', '4.11', '4.13')} is heard without a mouse, downloaded with Enter, and leads to the help desk without a code`,
    { timeout: 60_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser();
      try {
        await page.goto(`${base}${RENEWAL_PATHS.identifier.request}`);
        await ready(page);
        const picture = await axNode(page, '.captcha__image');
        expect(picture.name).toBe(CODE.imageAlt);
        expect(picture.name).toContain(CODE.legend);
        // It never plays by itself.
        const audioState = () =>
          page.locator('.captcha audio').evaluate((el: HTMLAudioElement) => ({ paused: el.paused, autoplay: el.autoplay }));
        expect(await audioState()).toEqual({ paused: true, autoplay: false });
        await tabTo(page, '.captcha audio');
        const player = await axNode(page, '.captcha audio');
        expect([player.role, player.name, player.description]).toEqual(['Audio', CODE.audioTitle, CODE.audioHint]);
        await page.keyboard.press('Space');
        await expect.poll(async () => (await audioState()).paused, { timeout: 10_000 }).toBe(false);

        await tabTo(page, '.captcha a[download]');
        expect((await axNode(page, '.captcha a[download]')).name).toBe(CODE.audioLink);
        const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
        expect(download.suggestedFilename()).toBe('code-securite.wav');
        const saved = join(repoRoot, 'test-results', 'code-securite-clavier.wav');
        await download.saveAs(saved);
        const wav = readFileSync(saved);
        expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
        expect(wav.subarray(8, 12).toString('latin1')).toBe('WAVE');

        // Who can neither see nor hear it: the help desk, whose address needs no security code.
        await tabTo(page, `.captcha a[href="${PATHS.help}#contact"]`);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}${PATHS.help}#contact`);
        await ready(page);
        const mail = `a[href="mailto:${stack.config.smtp.helpdesk}"]`;
        await tabTo(page, `main ${mail}`);
        expect((await axNode(page, `main ${mail}`)).name).toBe(stack.config.smtp.helpdesk);
        await page.goto(`${base}${PATHS.accessibility}`);
        expect(await page.locator(`main ${mail}`).count()).toBe(1);
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it('shows DSFR’s « Afficher » box only where its script runs to make it work', { timeout: 60_000 }, async () => {
    for (const javaScriptEnabled of [true, false]) {
      const { context, page } = await citizenBrowser({ javaScriptEnabled });
      try {
        await page.goto(`${base}${PATHS.login}`);
        if (javaScriptEnabled) await ready(page);
        expect(await page.locator('.fr-password__checkbox').isVisible(), `JavaScript ${javaScriptEnabled}`).toBe(javaScriptEnabled);
      } finally {
        await context.close();
      }
    }
  });
});

/**
 * Every screen of SCREENS, in order, with two citizens (one renewal of each kind), calling `check`
 * on each; the clicks and fills are the quick way there (the keyboard tests above walk it by keys).
 */
async function visitEveryScreen(page: Page, check: (id: ScreenId) => Promise<void>): Promise<ScreenId[]> {
  const seen: ScreenId[] = [];
  const at = async (id: ScreenId) => {
    await ready(page);
    seen.push(id);
    await check(id);
  };
  const [first, second] = [await stack.createCitizen(), await stack.createCitizen()];

  await page.goto(`${base}${PATHS.login}`);
  await at('connexion');
  await page.getByRole('textbox', { name: LOGIN.identifier }).fill(first.identifier);
  await page.getByLabel(LOGIN.password, { exact: true }).fill('Pas-le-bon');
  await page.getByRole('button', { name: LOGIN.submit }).click();
  await page.locator('#resume-erreurs').waitFor();
  await at('connexion-refusee');

  await page.goto(`${base}${PATHS.help}`);
  await at('aide');
  await page.getByRole('button', { name: HELP.submit }).click();
  await page.locator('#resume-erreurs').waitFor();
  await at('aide-erreurs');
  await page.getByLabel(HELP.name).fill(`Usager ${stack.run}`);
  await page.getByLabel(HELP.email, { exact: false }).fill(first.email);
  await page.getByLabel(HELP.message, { exact: false }).fill('Je n’ai pas reçu mon identifiant par courriel.');
  await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'help'));
  await page.getByRole('button', { name: HELP.submit }).click();
  await page.waitForURL(`${base}${PATHS.helpSent}`);
  await at('aide-message-envoye');
  await page.goto(`${base}${PATHS.accessibility}`);
  await at('accessibilite');

  const request = async (kind: RenewalKind, citizen: Citizen) => {
    await page.getByLabel(REQUEST.numic).fill(citizen.numic);
    await page.getByLabel(REQUEST.email).fill(citizen.email);
    await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'request'));
    await page.getByRole('button', { name: REQUEST[kind].submit }).click();
    await page.waitForURL(`${base}${RENEWAL_PATHS[kind].confirmation}`);
  };
  const secret = async (kind: RenewalKind, value: string) => {
    await page.getByLabel(LINK[kind].secret).fill(value);
    await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'link'));
    await page.getByRole('button', { name: LINK[kind].submit }).click();
  };

  await page.goto(`${base}${RENEWAL_PATHS.identifier.request}`);
  await at('identifiant-demande');
  await page.getByRole('button', { name: REQUEST.identifier.submit }).click();
  await page.locator('#resume-erreurs').waitFor();
  await at('identifiant-demande-erreurs');
  await request('identifier', first);
  await at('identifiant-confirmation');
  const identifierLink = await emailedLink('identifier', first);
  await page.goto(identifierLink);
  await at('identifiant-lien');
  await secret('identifier', 'Pas-le-bon-mot-de-passe');
  await page.locator('#secret-erreur').waitFor();
  await at('identifiant-lien-erreur');
  await secret('identifier', first.password);
  await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.done}`);
  await at('identifiant-nouvel-identifiant');
  await page.goto(identifierLink);
  await at('identifiant-lien-deja-utilise');

  await page.goto(`${base}${RENEWAL_PATHS.password.request}`);
  await at('mot-de-passe-demande');
  await request('password', second);
  await at('mot-de-passe-confirmation');
  await page.goto(await emailedLink('password', second));
  await at('mot-de-passe-lien');
  const since = new Date().toISOString();
  await secret('password', second.identifier);
  await page.waitForURL(`${base}${RENEWAL_PATHS.password.done}`);
  await at('mot-de-passe-envoye');

  await page.goto(`${base}${PATHS.login}`);
  await page.getByRole('textbox', { name: LOGIN.identifier }).fill(second.identifier);
  await page.getByLabel(LOGIN.password, { exact: true }).fill(await newPasswordBySms(second, since));
  await page.getByRole('button', { name: LOGIN.submit }).click();
  await page.waitForURL(`${base}${PATHS.account}`);
  await at('espace');
  await page.goto(`${base}/page-inexistante`);
  await at('page-introuvable');
  return seen;
}

/** Two frames: the layout has settled after a change of viewport, text size or style sheet. */
const settle = (page: Page) =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

describe('every screen', () => {
  it(
    `${rgaa('1.1', '3.2', '6.2', '9.3', '11.1', '10.4', '10.11', '10.12')} reflows at 320 px, reads with text at 200 % and WCAG's spacings, and passes axe in the light theme`,
    { timeout: 300_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser({ colorScheme: 'light' });
      const problems: string[] = [];
      try {
        const seen = await visitEveryScreen(page, async (id) => {
          expect(await page.evaluate(() => document.documentElement.getAttribute('data-fr-theme')), id).toBe('light');
          const violations = await seriousAxeViolations(page, { javaScriptEnabled: true });
          if (violations.length) problems.push(`${id} axe: ${JSON.stringify(violations)}`);
          const layouts: [string, () => Promise<void>, () => Promise<void>][] = [
            ['reflow-320', () => page.setViewportSize({ width: 320, height: 640 }), () => page.setViewportSize(DESKTOP)],
            ['texte-200', () => setTextSize(page, 200), () => setTextSize(page, 100)],
            ['espacement-texte', () => setTextSpacing(page, true), () => setTextSpacing(page, false)],
          ];
          for (const [label, apply, undo] of layouts) {
            await apply();
            await settle(page);
            const found = await overflow(page);
            await screenshotAsLaidOut(page, `${label}-${id}`);
            if (found.horizontalScroll > 0) problems.push(`${id} ${label}: scrolls ${found.horizontalScroll} px sideways`);
            for (const cut of found.clipped) problems.push(`${id} ${label}: ${cut}`);
            await undo();
            await settle(page);
          }
        });
        expect(seen).toEqual(SCREENS.map((s) => s.id));
        expect(problems).toEqual([]);
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it(`${rgaa('3.2')} follows the citizen's dark theme and keeps its contrast there`, { timeout: 300_000 }, async () => {
    const { context, page, csp } = await citizenBrowser({ colorScheme: 'dark' });
    const problems: string[] = [];
    try {
      const seen = await visitEveryScreen(page, async (id) => {
        // DSFR's script reads prefers-color-scheme through data-fr-scheme="system".
        expect(await page.evaluate(() => document.documentElement.getAttribute('data-fr-theme')), id).toBe('dark');
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
        expect(r + g + b, `${id}: dark background, ${background}`).toBeLessThan(3 * 64);
        const violations = await contrastViolations(page);
        if (violations.length) problems.push(`${id}: ${JSON.stringify(violations)}`);
        await screenshot(page, `sombre-${id}`);
      });
      expect(seen).toEqual(SCREENS.map((s) => s.id));
      expect(problems).toEqual([]);
      expect(csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('on a slow 3G line', () => {
  it(
    'makes every screen of a renewal usable within the bound: 20 s for a first visit, 10 s for each screen after',
    { timeout: 300_000 },
    async () => {
      const { context, page, csp } = await citizenBrowser();
      const citizen = await stack.createCitizen();
      const figures: { screen: string; ms: number; bound: number }[] = [];
      try {
        await throttle(page);
        /** Usable: its stylesheets loaded, its content painted, its heading and its main action shown. */
        const usable = () =>
          page.waitForFunction(
            () => {
              const sheets = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].every((l) => l.sheet !== null);
              const painted = performance.getEntriesByName('first-contentful-paint').length > 0;
              const heading = document.querySelector('main h1');
              const action = document.querySelector('main .form-submit, main .fr-btn, main .fr-link');
              return sheets && painted && heading?.checkVisibility() === true && (action === null || action.checkVisibility());
            },
            null,
            { polling: 100, timeout: 60_000 },
          );
        const measure = async (screen: string, bound: number, go: () => Promise<unknown>) => {
          const started = Date.now();
          await go();
          await usable();
          figures.push({ screen, ms: Date.now() - started, bound });
        };

        await measure('connexion (première visite)', 20_000, () => page.goto(`${base}${PATHS.login}`, { waitUntil: 'commit' }));
        await ready(page);
        await measure('identifiant perdu, étape 1', 10_000, async () => {
          await page.getByRole('link', { name: LOGIN.lostIdentifier }).click();
          await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.request}`, { waitUntil: 'commit' });
        });
        await ready(page);
        await page.getByLabel(REQUEST.numic).fill(citizen.numic);
        await page.getByLabel(REQUEST.email).fill(citizen.email);
        await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'request'));
        await measure('identifiant perdu, étape 2', 10_000, async () => {
          await page.getByRole('button', { name: REQUEST.identifier.submit }).click();
          await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.confirmation}`, { waitUntil: 'commit' });
        });
        const link = await emailedLink('identifier', citizen);
        await measure('identifiant perdu, étape 3', 10_000, () => page.goto(link, { waitUntil: 'commit' }));
        await ready(page);
        await page.getByLabel(LINK.identifier.secret).fill('Pas-le-bon-mot-de-passe');
        await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'link'));
        await measure('identifiant perdu, étape 3 en erreur', 10_000, async () => {
          await page.getByRole('button', { name: LINK.identifier.submit }).click();
          await page.locator('#secret-erreur').waitFor({ timeout: 60_000 });
        });
        await ready(page);
        await page.getByLabel(LINK.identifier.secret).fill(citizen.password);
        await page.getByLabel(CODE.label).fill(await codeAnswer(page, 'link'));
        await measure('identifiant perdu, étape 4', 10_000, async () => {
          await page.getByRole('button', { name: LINK.identifier.submit }).click();
          await page.waitForURL(`${base}${RENEWAL_PATHS.identifier.done}`, { waitUntil: 'commit' });
        });
        await measure('aide', 10_000, () => page.goto(`${base}${PATHS.help}`, { waitUntil: 'commit' }));
        await measure('déclaration d’accessibilité', 10_000, () => page.goto(`${base}${PATHS.accessibility}`, { waitUntil: 'commit' }));

        const out = join(repoRoot, 'test-results');
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'slow-3g.json'), `${JSON.stringify({ profile: SLOW_3G, figures }, null, 2)}\n`);
        console.log(figures.map((f) => `${f.screen}: ${(f.ms / 1000).toFixed(1)} s (borne ${f.bound / 1000} s)`).join('\n'));
        for (const f of figures) expect(f.ms, f.screen).toBeLessThanOrEqual(f.bound);
        expect(csp).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
