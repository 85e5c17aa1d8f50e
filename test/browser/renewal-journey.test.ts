/**
 * The six screens in real Chromium against the real stack: the web app served on the test port,
 * a real worker in this process, Temporal, FerretDB and Mailpit from the global setup. The same
 * story runs with JavaScript on (htmx enhancing) and off (plain forms).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWellFormedIdentifier } from '../../domain/identifier.js';
import { LINK_PATH } from '../../domain/renewal-link.js';
import { CAPTCHA, CONFIRMATION, HELP, LINK, LOGIN, NEW_IDENTIFIER, REQUEST, deadLink } from '../../copy/pages.js';
import { createApp } from '../../web/app.js';
import { waitForMessage } from '../support/mailpit.js';
import { startRealStack, type RealStack } from '../web/support/real-stack.js';
import { collectCspViolations, launchChromium, screenshot, seriousAxeViolations } from './support/browser.js';

let stack: RealStack;
let server: ServerType;
let browser: Browser;
let base: string;

beforeAll(async () => {
  stack = await startRealStack();
  base = stack.config.web.publicBaseUrl;
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

const modes = [
  { name: 'js', javaScriptEnabled: true },
  { name: 'sans-js', javaScriptEnabled: false },
] as const;

describe.each(modes)('renewal journey in Chromium ($name)', ({ name, javaScriptEnabled }) => {
  let context: BrowserContext;
  let page: Page;
  let step = 0;
  let csp: string[];
  const a11y: Record<string, unknown[]> = {};

  /** Screenshot and axe-core check of the screen as it is now. */
  async function capture(label: string) {
    step++;
    await screenshot(page, `${name}-${String(step).padStart(2, '0')}-${label}`);
    const violations = await seriousAxeViolations(page, { javaScriptEnabled });
    if (violations.length > 0) a11y[label] = violations;
    expect(violations, `axe on ${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }

  async function captchaAnswer(purpose: 'request' | 'link' | 'help'): Promise<string> {
    const res = await page.request.get(`${base}/__test/captcha?for=${purpose}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { answer: string }).answer;
  }

  /** Marks the current document; a full page load loses the mark, an htmx swap keeps it. */
  const markDocument = () => page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const sameDocument = () => page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument === true);

  beforeAll(async () => {
    context = await browser.newContext({ javaScriptEnabled, locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    if (javaScriptEnabled) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
    csp = collectCspViolations(page);
  });

  afterAll(async () => {
    await context?.close();
  });

  it('renews a lost identifier through the six screens, then logs in with it', { timeout: 180_000 }, async () => {
    const citizen = await stack.createCitizen();

    // Screen 1: the login page, its AIDE icon and the lost-identifier link.
    await page.goto(`${base}/connexion`);
    await expect.poll(() => page.title()).toContain(LOGIN.title);
    if (javaScriptEnabled) await page.waitForFunction(() => 'htmx' in globalThis);
    await capture('connexion');

    await page.getByRole('link', { name: 'Aide', exact: true }).first().click();
    await page.waitForURL(`${base}/aide`);
    await capture('aide');
    const helpName = `Usager ${stack.run} ${name}`;
    await page.getByLabel(HELP.name).fill(helpName);
    await page.getByLabel(HELP.email, { exact: false }).fill(citizen.email);
    await page.getByLabel(HELP.message, { exact: false }).fill('Je n’ai pas reçu mon identifiant par courriel.');
    await page.getByLabel(CAPTCHA.label).fill(await captchaAnswer('help'));
    await page.getByRole('button', { name: HELP.submit }).click();
    await page.waitForURL(`${base}/aide/message-envoye`);
    await expect.poll(() => page.textContent('main')).toContain(HELP.sent);
    await capture('aide-message-envoye');
    const helpMail = await waitForMessage(stack.config, { to: stack.config.smtp.helpdesk, subject: helpName });
    expect(helpMail.text).toContain(citizen.email);

    await page.goto(`${base}/connexion`);
    await page.getByRole('link', { name: LOGIN.lostIdentifier }).click();
    await page.waitForURL(`${base}/identifiant-perdu`);

    // Screen 2: errors first (inline with htmx, by a full page without JavaScript), values kept.
    await capture('demande');
    await markDocument();
    await page.getByLabel(REQUEST.numic).fill('AB-12');
    await page.getByLabel(REQUEST.email).fill(citizen.email);
    await page.getByLabel(CAPTCHA.label).fill('12');
    await page.getByRole('button', { name: REQUEST.submit }).click();
    await page.locator('#resume-erreurs').waitFor();
    expect(await page.locator('#numic-erreur').textContent()).toBe(REQUEST.errors.numicFormat);
    expect(await page.locator('#code-erreur').textContent()).toBe(CAPTCHA.errors.format);
    expect(await page.getByLabel(REQUEST.email).inputValue()).toBe(citizen.email);
    expect(await page.getByLabel(REQUEST.numic).inputValue()).toBe('AB-12');
    expect(await page.getByLabel(CAPTCHA.label).inputValue()).toBe('');
    expect(await sameDocument()).toBe(javaScriptEnabled);
    if (javaScriptEnabled) {
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('resume-erreurs');
      expect(await page.title()).toMatch(/^Erreur – /);
    }
    await capture('demande-erreurs');

    // A new security code, then the text alternative of the current one.
    const before = await page.locator('.captcha__image').innerHTML();
    await page.getByRole('button', { name: CAPTCHA.refresh }).click();
    await expect.poll(() => page.locator('.captcha__image').innerHTML()).not.toBe(before);
    expect(await page.getByLabel(REQUEST.numic).inputValue()).toBe('AB-12');
    const answer = await captchaAnswer('request');
    await page.locator('.captcha__alternative summary').click();
    const spelled = [...answer].map((d) => CAPTCHA.digits[Number(d)]).join(', ');
    expect(await page.locator('.captcha__alternative p').textContent()).toBe(CAPTCHA.textAlternative(spelled.split(', ')));

    await page.getByLabel(REQUEST.numic).fill(citizen.numic);
    await page.getByLabel(CAPTCHA.label).fill(answer);
    await page.getByRole('button', { name: REQUEST.submit }).click();

    // Screen 3: the confirmation.
    await page.waitForURL(`${base}/identifiant-perdu/confirmation`);
    expect(await page.textContent('main')).toContain(CONFIRMATION.alertTitle);
    await capture('confirmation');

    // Screen 4: the email, read in Mailpit; its link carries neither NUMIC nor email.
    const mail = await waitForMessage(stack.config, { to: citizen.email, subject: 'Votre demande de nouvel identifiant' });
    const link = new RegExp(`${base}${LINK_PATH}\\S+`).exec(mail.text)?.[0];
    expect(link).toBeDefined();
    expect(link).not.toContain(citizen.numic);
    expect(link).not.toContain(encodeURIComponent(citizen.email));

    // Screen 5: a wrong password says how many attempts remain, then the right one.
    const response = await page.goto(link!);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('#motDePasse').getAttribute('autocomplete')).toBe('current-password');
    await capture('lien');
    await markDocument();
    await page.getByLabel(LINK.password).fill('Pas-le-bon-mot-de-passe');
    await page.getByLabel(CAPTCHA.label).fill(await captchaAnswer('link'));
    await page.getByRole('button', { name: LINK.submit }).click();
    await page.locator('#motDePasse-erreur').waitFor();
    expect(await page.locator('#motDePasse-erreur').textContent()).toBe(LINK.errors.wrongPassword(2));
    expect(await page.getByLabel(LINK.password).inputValue()).toBe('');
    expect(await sameDocument()).toBe(javaScriptEnabled);
    await capture('lien-mot-de-passe-incorrect');

    await page.getByLabel(LINK.password).fill(citizen.password);
    await page.getByLabel(CAPTCHA.label).fill(await captchaAnswer('link'));
    await page.getByRole('button', { name: LINK.submit }).click();

    // Screen 6: the new identifier, shown once, with a copy button when JavaScript runs.
    await page.waitForURL(`${base}/identifiant-perdu/nouvel-identifiant`);
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
    await page.waitForURL(`${base}/connexion`);
    await page.goBack();
    await page.waitForURL(`${base}/identifiant-perdu/nouvel-identifiant`);
    await expect.poll(() => page.textContent('main')).toContain(NEW_IDENTIFIER.goneTitle);
    expect(await page.content()).not.toContain(identifier);
    await page.reload();
    expect(await page.content()).not.toContain(identifier);
    await capture('nouvel-identifiant-plus-affiche');

    // The link is now dead: its own page, with a way to start again.
    await page.goto(link!);
    const used = deadLink('already-used', { linkTtl: '', passwordStepTtl: '' });
    await expect.poll(() => page.locator('h1').textContent()).toBe(used.title);
    expect(await page.getByRole('link', { name: 'Faire une nouvelle demande' }).getAttribute('href')).toBe('/identifiant-perdu');
    await capture('lien-deja-utilise');

    // Screen 1 again: the old identifier is refused, the new one works.
    await page.goto(`${base}/connexion`);
    await page.getByLabel(LOGIN.identifier).fill(citizen.identifier);
    await page.getByLabel(LOGIN.password).fill(citizen.password);
    await page.getByRole('button', { name: LOGIN.submit }).click();
    await page.locator('#resume-erreurs').waitFor();
    expect(await page.textContent('main')).toContain(LOGIN.errors.failed);
    await capture('connexion-ancien-identifiant-refuse');

    await page.getByLabel(LOGIN.identifier).fill(identifier);
    await page.getByLabel(LOGIN.password).fill(citizen.password);
    await page.getByRole('button', { name: LOGIN.submit }).click();
    await page.waitForURL(`${base}/espace`);
    expect(await page.getByTestId('identifiant-connecte').textContent()).toBe(identifier);
    await capture('espace');

    // The citizen is told by email too.
    await waitForMessage(stack.config, { to: citizen.email, subject: 'Votre identifiant a été renouvelé' });
    expect(csp).toEqual([]);
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
      expect((await page.goto(`${base}${LINK_PATH}lien-tronque`))?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe(deadLink('unknown', { linkTtl: '', passwordStepTtl: '' }).title);
      await check('lien-inconnu');
      expect((await page.goto(`${base}/identifiant-perdu/nouvel-identifiant`))?.status()).toBe(410);
      await check('identifiant-plus-affiche');

      await page.goto(`${base}/connexion`);
      await page.waitForFunction(() => 'htmx' in globalThis);
      await page.getByRole('button', { name: 'Menu' }).click();
      const menu = page.getByRole('dialog');
      await menu.waitFor();
      await check('menu-mobile');
      await menu.getByRole('link', { name: 'Aide' }).click();
      await page.waitForURL(`${base}/aide`);
      expect(csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
