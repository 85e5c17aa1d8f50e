import { describe, expect, it } from 'vitest';
import { CAPTCHA, ERRORS, LINK, NEW_IDENTIFIER, SITE, deadLink } from '../../copy/pages.js';
import { createApp } from '../../web/app.js';
import type { DeadLinkReason } from '../../workflows/definitions.js';
import { fakeDeps, routeTestConfig } from './support/fakes.js';
import { PageClient, mainOf, textOf } from './support/page-client.js';

const TOKEN = 'renewal-0a1b2c3d.0f8fad5b-d9cb-469f-a165-70867728950e.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';
const LINK_URL = `/identifiant-perdu/lien/${TOKEN}`;
const delays = { linkTtl: '1 heure', passwordStepTtl: '15 minutes' };

async function openLink() {
  const deps = fakeDeps();
  const client = new PageClient(createApp(deps));
  const page = await client.get(LINK_URL);
  return { deps, client, page };
}

describe('screen 5: the link page', () => {
  it('asks for the SMS password (current-password) and a fresh code, with « Valider »', async () => {
    const { page } = await openLink();
    expect(page.status).toBe(200);
    const html = mainOf(page.html);
    expect(html).toMatch(/<input[^>]*type="password"[^>]*name="motDePasse"[^>]*autocomplete="current-password"/);
    expect(html).toContain(`>${LINK.submit}</button>`);
    expect(html).toContain('id="code-securite-link"');
    expect(html).toContain(`action="${LINK_URL}"`);
    expect(textOf(html)).toContain(LINK.attempts(3));
    expect(textOf(html)).toContain(LINK.deadline(15));
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('does not spend a password attempt on a wrong code', async () => {
    const { client, deps } = await openLink();
    const answer = await client.captchaAnswer('link');
    const page = await client.post(LINK_URL, { motDePasse: 'secret', code: answer === '0000' ? '1111' : '0000' });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(CAPTCHA.errors.wrong);
    expect(deps.renewals.submitted).toHaveLength(0);
    expect(page.html).not.toContain('secret');
  });

  it('asks for the password when it is missing', async () => {
    const { client, deps } = await openLink();
    const page = await client.post(LINK_URL, { motDePasse: '', code: await client.captchaAnswer('link') });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(LINK.errors.passwordRequired);
    expect(deps.renewals.submitted).toHaveLength(0);
  });

  it('says how many attempts remain after a wrong password, and never echoes it', async () => {
    const { client, deps } = await openLink();
    deps.renewals.submitResults.push({ status: 'wrong-password', attemptsLeft: 2 });
    deps.renewals.openResult = { status: 'open', passwordDeadline: new Date(Date.now() + 10 * 60_000).toISOString(), attemptsLeft: 2 };
    const page = await client.post(LINK_URL, { motDePasse: 'Mauvais-Mot-2026', code: await client.captchaAnswer('link') });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(LINK.errors.wrongPassword(2));
    expect(textOf(page.html)).toContain(LINK.attempts(2));
    expect(page.html).not.toContain('Mauvais-Mot-2026');
    expect(deps.renewals.submitted).toEqual([{ token: TOKEN, password: 'Mauvais-Mot-2026' }]);
  });

  it('warns when one attempt is left', () => {
    expect(LINK.errors.wrongPassword(1)).toContain('Il vous reste 1 essai');
  });

  it('draws a new code without JavaScript', async () => {
    const { client } = await openLink();
    const page = await client.post(LINK_URL, { motDePasse: 'typed', _action: 'nouveau-code' });
    expect(page.status).toBe(200);
    expect(page.html).toContain(CAPTCHA.refreshed);
    expect(page.html).not.toContain('typed');
  });
});

describe('screen 6: the new identifier, once', () => {
  it('redirects after success, shows the identifier large with a copy button, no-store, then never again', async () => {
    const { client, deps } = await openLink();
    deps.renewals.submitResults.push({ status: 'completed', identifier: 'K7QM-4WXH-9TPC' });
    const done = await client.post(LINK_URL, { motDePasse: 'Soleil-Marin-2026', code: await client.captchaAnswer('link') });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/identifiant-perdu/nouvel-identifiant');

    const shown = await client.get('/identifiant-perdu/nouvel-identifiant');
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toMatch(/<p class="identifier" id="nouvel-identifiant"[^>]*>K7QM-4WXH-9TPC<\/p>/);
    expect(shown.html).toMatch(/<button type="button"[^>]*data-copy-target="nouvel-identifiant"[^>]*hidden/);
    expect(textOf(shown.html)).toContain(NEW_IDENTIFIER.advice[0]);

    const again = await client.get('/identifiant-perdu/nouvel-identifiant');
    expect(again.status).toBe(410);
    expect(again.html).not.toContain('K7QM-4WXH-9TPC');
    expect(textOf(again.html)).toContain(NEW_IDENTIFIER.gone);
  });

  it('under htmx, navigates with HX-Redirect so the one-time page is read by the browser, not the XHR', async () => {
    const { client, deps } = await openLink();
    deps.renewals.submitResults.push({ status: 'completed', identifier: 'K7QM-4WXH-9TPC' });
    const done = await client.post(LINK_URL, { motDePasse: 'x', code: await client.captchaAnswer('link') }, { htmx: true });
    expect(done.status).toBe(200);
    expect(done.headers.get('hx-redirect')).toBe('/identifiant-perdu/nouvel-identifiant');
    expect((await client.get('/identifiant-perdu/nouvel-identifiant')).html).toContain('K7QM-4WXH-9TPC');
  });

  it('shows nothing to another browser', async () => {
    const deps = fakeDeps();
    const app = createApp(deps);
    const citizen = new PageClient(app);
    await citizen.get(LINK_URL);
    deps.renewals.submitResults.push({ status: 'completed', identifier: 'K7QM-4WXH-9TPC' });
    await citizen.post(LINK_URL, { motDePasse: 'x', code: await citizen.captchaAnswer('link') });
    const stranger = await new PageClient(app).get('/identifiant-perdu/nouvel-identifiant');
    expect(stranger.status).toBe(410);
    expect(stranger.html).not.toContain('K7QM-4WXH-9TPC');
  });
});

describe('dead links', () => {
  const reasons: DeadLinkReason[] = ['expired', 'already-used', 'superseded', 'locked', 'cancelled', 'unknown'];

  for (const reason of reasons) {
    it(`explains a ${reason} link on its own page and offers to start again`, async () => {
      const deps = fakeDeps();
      deps.renewals.openResult = { status: 'dead', reason };
      const page = await new PageClient(createApp(deps)).get(LINK_URL);
      expect(page.status).toBe(reason === 'unknown' ? 404 : 410);
      const copy = deadLink(reason, delays);
      expect(page.html).toContain(`<h1 tabindex="-1" data-autofocus="true">${copy.title}</h1>`);
      expect(textOf(page.html)).toContain(copy.body);
      expect(page.html).toContain(`<a class="fr-btn" href="/identifiant-perdu">${SITE.startAgain}</a>`);
      expect(page.html).not.toContain('motDePasse');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    });
  }

  it('gives each reason a different title', () => {
    expect(new Set(reasons.map((r) => deadLink(r, delays).title)).size).toBe(reasons.length);
  });

  it('shows the dead-link page when the link dies at submission (locked after the last attempt)', async () => {
    const { client, deps } = await openLink();
    deps.renewals.submitResults.push({ status: 'dead', reason: 'locked' });
    const page = await client.post(LINK_URL, { motDePasse: 'x', code: await client.captchaAnswer('link') }, { htmx: true });
    expect(page.status).toBe(410);
    expect(mainOf(page.html)).toContain(deadLink('locked', delays).title);
  });

  it('shows the dead-link page when the link died before a wrong code was typed', async () => {
    const { client, deps } = await openLink();
    deps.renewals.openResult = { status: 'dead', reason: 'expired' };
    const page = await client.post(LINK_URL, { motDePasse: 'x', code: 'abcd' });
    expect(page.status).toBe(410);
    expect(textOf(page.html)).toContain(deadLink('expired', delays).title);
  });

  it('limits link openings per client address', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '2' });
    const client = new PageClient(createApp(fakeDeps({ config })));
    expect((await client.get(LINK_URL)).status).toBe(200);
    expect((await client.get(LINK_URL)).status).toBe(200);
    const limited = await client.get(LINK_URL);
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const deps = fakeDeps({ logger });
    await new PageClient(createApp(deps)).get(LINK_URL);
    expect(lines.join('')).toContain('/identifiant-perdu/lien/:token');
    expect(lines.join('')).not.toContain(TOKEN.split('.')[2]!);
  });
});
