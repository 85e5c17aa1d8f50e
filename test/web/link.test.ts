import { describe, expect, it } from 'vitest';
import { CODE, ERRORS, LINK, NEW_IDENTIFIER, PASSWORD_SENT, SITE, deadLink } from '../../copy/pages.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import { DEAD_LINK_REASONS, RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';
import { fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, mainOf, textOf } from '../support/page-client.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf';
const delays = { linkTtl: '1 heure' };
const wrongOf = (answer: string) => (answer === '0000' ? '1111' : '0000');

async function openLink(kind: RenewalKind, overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const deps = await fakeDeps(overrides);
  const app = createApp(deps);
  const client = new PageClient(app);
  const url = `${RENEWAL_PATHS[kind].link}/${TOKEN}`;
  const page = await client.get(url);
  return { deps, app, client, page, url };
}

describe.each(RENEWAL_KINDS)('screen 5: the link page (%s)', (kind) => {
  const copy = LINK[kind];

  it('asks for the secret of this kind and a fresh code, says how long the link lasts, reads only', async () => {
    const { page, url, deps } = await openLink(kind);
    expect(page.status).toBe(200);
    const html = mainOf(page.html);
    expect(html).toContain(`<h1>${copy.title}</h1>`);
    if (kind === 'identifier') expect(html).toMatch(/<input[^>]*type="password"[^>]*name="secret"[^>]*autocomplete="current-password"/);
    else expect(html).toMatch(/<input[^>]*type="text"[^>]*name="secret"[^>]*autocomplete="username"/);
    expect(html).toContain(`>${copy.submit}</button>`);
    expect(html).toContain('id="code-securite-link"');
    expect(html).toContain(`action="${url}"`);
    expect(textOf(html)).toContain(LINK.attempts(3));
    expect(textOf(html)).toMatch(/Ce lien est encore valable (59 minutes|1 heure)\./);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(deps.renewals.linkStateCalls).toBe(1);
    expect(deps.renewals.submitted).toEqual([]);
  });

  it('does not spend an attempt on a wrong code, and never echoes the secret', async () => {
    const { client, deps, url } = await openLink(kind);
    const page = await client.post(url, { secret: 'Mon-Secret-2026', code: wrongOf(await client.captchaAnswer('link')) });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(CODE.errors.wrong);
    expect(deps.renewals.submitted).toHaveLength(0);
    expect(page.html).not.toContain('Mon-Secret-2026');
  });

  it('asks for the secret when it is missing', async () => {
    const { client, deps, url } = await openLink(kind);
    const page = await client.post(url, { secret: '', code: await client.captchaAnswer('link') });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(copy.secretRequired);
    expect(deps.renewals.submitted).toHaveLength(0);
  });

  it('says how many attempts remain after a wrong secret', async () => {
    const { client, deps, url } = await openLink(kind);
    deps.renewals.submitResults.push({ status: 'wrong-secret', attemptsLeft: 2 });
    deps.renewals.state = { status: 'open', kind, expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(), attemptsLeft: 2 };
    const page = await client.post(url, { secret: 'Mauvais-2026', code: await client.captchaAnswer('link') });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(copy.wrongSecret(2));
    expect(textOf(page.html)).toContain(LINK.attempts(2));
    expect(textOf(page.html)).toContain('Ce lien est encore valable 9 minutes.');
    expect(page.html).not.toContain('Mauvais-2026');
    expect(deps.renewals.submitted).toEqual([{ kind, token: TOKEN, secret: 'Mauvais-2026' }]);
  });

  it('draws a new code without JavaScript, without keeping the secret typed', async () => {
    const { client, url } = await openLink(kind);
    // A value no page says otherwise (« tape » alone is in « Étape 3 sur 4 »).
    const page = await client.post(url, { secret: 'Saisie-en-cours-42', _action: 'nouveau-code' });
    expect(page.status).toBe(200);
    expect(page.html).toContain(CODE.refreshed);
    expect(page.html).not.toContain('Saisie-en-cours-42');
  });
});

describe('screen 6: what the renewal changed, once, in a fresh session', () => {
  it('shows the new identifier large with a copy button, no-store, then never again', async () => {
    const { client, deps, url } = await openLink('identifier');
    deps.renewals.submitResults.push({ status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' });
    const done = await client.post(url, { secret: 'Soleil-Marin-2026', code: await client.captchaAnswer('link') });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(RENEWAL_PATHS.identifier.done);
    expect(client.cookies.get('sid')).toBeDefined();

    const shown = await client.get(RENEWAL_PATHS.identifier.done);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toMatch(/<p class="identifier" id="nouvel-identifiant"[^>]*>K7QM-4WXH-9TPC<\/p>/);
    expect(shown.html).toMatch(/<button type="button"[^>]*data-copy-target="nouvel-identifiant"[^>]*hidden/);
    expect(textOf(shown.html)).toContain(NEW_IDENTIFIER.advice[0]);

    const again = await client.get(RENEWAL_PATHS.identifier.done);
    expect(again.status).toBe(410);
    expect(again.html).not.toContain('K7QM-4WXH-9TPC');
    expect(textOf(again.html)).toContain(NEW_IDENTIFIER.gone);
  });

  it('says where the new password went (two digits of the phone) and never shows it', async () => {
    const { client, deps, url } = await openLink('password');
    deps.renewals.submitResults.push({ status: 'completed', kind: 'password', phoneEnding: '01' });
    const done = await client.post(url, { secret: 'K7QM-4WXH-9TPC', code: await client.captchaAnswer('link') });
    expect(done.headers.get('location')).toBe(RENEWAL_PATHS.password.done);
    const shown = await client.get(RENEWAL_PATHS.password.done);
    expect(shown.status).toBe(200);
    expect(textOf(shown.html)).toContain(PASSWORD_SENT.sentTo('01'));
    for (const line of PASSWORD_SENT.advice) expect(textOf(shown.html)).toContain(line);
    const again = await client.get(RENEWAL_PATHS.password.done);
    expect(again.status).toBe(410);
    expect(textOf(again.html)).toContain(PASSWORD_SENT.gone);
  });

  it('starts a new session ID for the page (the link page’s session, if any, ends)', async () => {
    const { client, deps, url } = await openLink('identifier');
    client.cookies.set('sid', 'planted-by-someone-else');
    deps.renewals.submitResults.push({ status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' });
    await client.post(url, { secret: 'x', code: await client.captchaAnswer('link') });
    expect(client.cookies.get('sid')).not.toBe('planted-by-someone-else');
  });

  it('under htmx, navigates with HX-Redirect so the one-time page is read by the browser, not the XHR', async () => {
    const { client, deps, url } = await openLink('identifier');
    deps.renewals.submitResults.push({ status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' });
    const done = await client.post(url, { secret: 'x', code: await client.captchaAnswer('link') }, { htmx: true });
    expect(done.status).toBe(200);
    expect(done.headers.get('hx-redirect')).toBe(RENEWAL_PATHS.identifier.done);
    expect((await client.get(RENEWAL_PATHS.identifier.done)).html).toContain('K7QM-4WXH-9TPC');
  });

  it('shows nothing to another browser', async () => {
    const { app, client, deps, url } = await openLink('identifier');
    deps.renewals.submitResults.push({ status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' });
    await client.post(url, { secret: 'x', code: await client.captchaAnswer('link') });
    const stranger = await new PageClient(app).get(RENEWAL_PATHS.identifier.done);
    expect(stranger.status).toBe(410);
    expect(stranger.html).not.toContain('K7QM-4WXH-9TPC');
  });
});

describe.each(RENEWAL_KINDS)('dead links (%s)', (kind) => {
  for (const reason of DEAD_LINK_REASONS) {
    it(`explains a ${reason} link on its own page and offers to start again`, async () => {
      const deps = await fakeDeps();
      deps.renewals.state = { status: 'dead', reason };
      const page = await new PageClient(createApp(deps)).get(`${RENEWAL_PATHS[kind].link}/${TOKEN}`);
      expect(page.status).toBe(reason === 'unknown' ? 404 : 410);
      const words = deadLink(kind, reason, delays);
      expect(page.html).toContain(`<h1 tabindex="-1" data-autofocus="true">${words.title}</h1>`);
      expect(textOf(page.html)).toContain(words.body);
      expect(page.html).toContain(`<a class="fr-btn" href="${RENEWAL_PATHS[kind].request}">${SITE.startAgain}</a>`);
      expect(page.html).not.toContain('name="secret"');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    });
  }

  it('gives each reason a different title', () => {
    expect(new Set(DEAD_LINK_REASONS.map((r) => deadLink(kind, r, delays).title)).size).toBe(DEAD_LINK_REASONS.length);
  });
});

describe('a link whose email is still being confirmed', () => {
  it('says it is not active yet and offers to open it again (503, come back in a minute)', async () => {
    const deps = await fakeDeps();
    deps.renewals.state = { status: 'pending' };
    const url = `${RENEWAL_PATHS.identifier.link}/${TOKEN}`;
    const page = await new PageClient(createApp(deps)).get(url);
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('60');
    expect(textOf(page.html)).toContain(LINK.pending.title);
    expect(page.html).toContain(`href="${url}"`);
    expect(page.html).not.toContain('name="secret"');
  });
});

describe('dead links at submission, limits, logs', () => {
  it('shows the dead-link page when the link dies at submission (locked after the last attempt)', async () => {
    const { client, deps, url } = await openLink('identifier');
    deps.renewals.submitResults.push({ status: 'dead', reason: 'locked' });
    const page = await client.post(url, { secret: 'x', code: await client.captchaAnswer('link') }, { htmx: true });
    expect(page.status).toBe(410);
    expect(mainOf(page.html)).toContain(deadLink('identifier', 'locked', delays).title);
  });

  it('shows the dead-link page when the link died before a wrong code was typed', async () => {
    const { client, deps, url } = await openLink('identifier');
    deps.renewals.state = { status: 'dead', reason: 'expired' };
    const page = await client.post(url, { secret: 'x', code: 'abcd' });
    expect(page.status).toBe(410);
    expect(textOf(page.html)).toContain(deadLink('identifier', 'expired', delays).title);
  });

  it('limits link openings per client address', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '2' });
    const { client, url } = await openLink('identifier', { config });
    expect((await client.get(url)).status).toBe(200);
    const limited = await client.get(url);
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await openLink('password', { logger });
    expect(lines.join('')).toContain(`${RENEWAL_PATHS.password.link}/:token`);
    expect(lines.join('')).not.toContain(TOKEN);
  });
});

describe('a submission the service did not answer in time', () => {
  it('says it is in progress (503), then shows the outcome to this browser alone, read by its update ID', async () => {
    const { app, client, deps, url } = await openLink('identifier');
    deps.renewals.submitResults.push({ status: 'in-doubt' });
    const waiting = await client.post(url, { secret: 'Soleil-Marin-2026', code: await client.captchaAnswer('link') });
    expect(waiting.status).toBe(503);
    expect(waiting.headers.get('retry-after')).toBe('10');
    expect(textOf(mainOf(waiting.html))).toContain(LINK.inProgress.title);
    expect(waiting.html).toContain(`href="${url}"`); // « Afficher le résultat »: the link page, a GET
    expect(waiting.html).not.toContain('Soleil-Marin-2026');
    const [updateId] = deps.renewals.updateIds;
    expect(updateId).toMatch(/^[0-9a-f-]{36}$/);

    // Submitting again from this browser submits nothing: it reads the first submission back.
    const again = await client.post(url, { secret: 'Soleil-Marin-2026', code: '0000' }); // the form kept by « Précédent »
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(url);
    expect(deps.renewals.submitted).toHaveLength(1);

    // Still running: the same page, the submission kept.
    deps.renewals.outcomes.push({ status: 'in-doubt' });
    expect((await client.get(url)).status).toBe(503);

    // A stranger with the link alone reads nothing back: the link page as it stands.
    const stranger = new PageClient(app);
    expect((await stranger.get(url)).status).toBe(200);
    expect(deps.renewals.readBack).toHaveLength(1);

    // Done meanwhile: this browser gets what changed, in a fresh session, once.
    deps.renewals.outcomes.push({ status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' });
    const before = client.cookies.get('sid');
    const done = await client.get(url);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(RENEWAL_PATHS.identifier.done);
    expect(client.cookies.get('sid')).not.toBe(before);
    expect(deps.renewals.readBack).toEqual([
      { token: TOKEN, updateId },
      { token: TOKEN, updateId },
    ]);
    expect((await client.get(RENEWAL_PATHS.identifier.done)).html).toContain('K7QM-4WXH-9TPC');
    // Settled: the link page no longer reads it back.
    await client.get(url);
    expect(deps.renewals.readBack).toHaveLength(2);
  });

  it('shows a wrong secret read back as such, and a submission that never ran as the link page', async () => {
    for (const [outcome, status, text] of [
      [{ status: 'wrong-secret', attemptsLeft: 2 }, 422, LINK.identifier.wrongSecret(2)],
      [{ status: 'unknown' }, 200, LINK.identifier.title],
    ] as const) {
      const { client, deps, url } = await openLink('identifier');
      deps.renewals.submitResults.push({ status: 'in-doubt' });
      await client.post(url, { secret: 'x', code: await client.captchaAnswer('link') });
      deps.renewals.outcomes.push(outcome);
      const page = await client.get(url);
      expect(page.status).toBe(status);
      expect(textOf(mainOf(page.html))).toContain(text);
    }
  });
});
