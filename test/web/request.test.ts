import { describe, expect, it } from 'vitest';
import { CAPTCHA, CONFIRMATION, ERRORS, REQUEST } from '../../copy/pages.js';
import { createApp } from '../../web/app.js';
import { createCaptchaStore } from '../../web/captcha.js';
import { fakeDeps, routeTestConfig } from './support/fakes.js';
import { PageClient, mainOf, textOf } from './support/page-client.js';

async function openForm(overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const deps = fakeDeps(overrides);
  const client = new PageClient(createApp(deps));
  const page = await client.get('/identifiant-perdu');
  return { deps, client, page };
}

describe('screen 2: the request form', () => {
  it('asks for the NUMIC, the email and a 4-digit security code drawn as an image with a text alternative', async () => {
    const { page } = await openForm();
    expect(page.status).toBe(200);
    const html = mainOf(page.html);
    expect(html).toContain('name="numic"');
    expect(html).toContain('name="courriel"');
    expect(html).toContain('autocomplete="email"');
    expect(html).toMatch(/<div class="captcha__image" role="img" aria-label="[^"]+"><svg [^>]*>[\s\S]*<\/svg><\/div>/);
    expect(html).toContain(`<summary>${CAPTCHA.textAlternativeToggle}</summary>`);
    expect(textOf(html)).toMatch(
      /Les 4 chiffres du code sont, dans l’ordre : (zéro|un|deux|trois|quatre|cinq|six|sept|huit|neuf)(, (zéro|un|deux|trois|quatre|cinq|six|sept|huit|neuf)){3}\./,
    );
    expect(html).toContain(`>${CAPTCHA.refresh}</button>`);
    expect(html).toContain(`>${REQUEST.submit}</button>`);
    expect(html).toContain('inputmode="numeric"');
  });

  it('the text alternative spells the same digits the test hook knows', async () => {
    const { client, page } = await openForm();
    const answer = await client.captchaAnswer('request');
    const words = [...answer].map((d) => CAPTCHA.digits[Number(d)]).join(', ');
    expect(textOf(page.html)).toContain(`Les 4 chiffres du code sont, dans l’ordre : ${words}.`);
  });

  it('explains each error in French, announces it, and keeps the NUMIC and email typed', async () => {
    const { client, deps } = await openForm();
    const page = await client.post('/identifiant-perdu', { numic: '12-AB', courriel: 'camille@', code: '12' });
    expect(page.status).toBe(422);
    const text = textOf(page.html);
    expect(text).toContain(REQUEST.errors.numicFormat);
    expect(text).toContain(REQUEST.errors.emailFormat);
    expect(text).toContain(CAPTCHA.errors.format);
    expect(page.html).toContain('<title>Erreur – ');
    expect(page.html).toMatch(/role="alert"[^>]*id="resume-erreurs"/);
    expect(page.html).toMatch(
      /id="numic"[^>]*aria-describedby="numic-aide numic-messages"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="numic"/,
    );
    expect(page.html).toContain('<p class="fr-message fr-message--error" id="numic-erreur">');
    expect(page.html).toContain('value="12-AB"');
    expect(page.html).toContain('value="camille@"');
    expect(page.html).not.toMatch(/name="code"[^>]*value=/);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('asks for missing fields', async () => {
    const { client } = await openForm();
    const page = await client.post('/identifiant-perdu', {});
    expect(page.status).toBe(422);
    const text = textOf(page.html);
    expect(text).toContain(REQUEST.errors.numicRequired);
    expect(text).toContain(REQUEST.errors.emailRequired);
    expect(text).toContain(CAPTCHA.errors.required);
  });

  it('refuses a wrong code without starting anything, and shows a new one', async () => {
    const { client, deps } = await openForm();
    const answer = await client.captchaAnswer('request');
    const wrong = answer === '0000' ? '1111' : '0000';
    const page = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code: wrong });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(CAPTCHA.errors.wrong);
    expect(deps.renewals.requests).toHaveLength(0);
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
  });

  it('uses a code once: replaying a right answer fails', async () => {
    const { client, deps } = await openForm();
    const answer = await client.captchaAnswer('request');
    const token = client.csrfToken()!;
    const first = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code: answer });
    expect(first.status).toBe(303);
    const replay = await client.post(
      '/identifiant-perdu',
      { numic: '2026000001', courriel: 'a@example.org', code: answer },
      { csrf: token },
    );
    expect(replay.status).toBe(422);
    expect(textOf(replay.html)).toContain(CAPTCHA.errors.wrong);
    expect(deps.renewals.requests).toHaveLength(1);
  });

  it('lets a code expire after the configured delay', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const clock = () => now;
    const config = routeTestConfig();
    const captchas = createCaptchaStore({ clock, ttlMs: config.web.captchaTtlMs, keepAnswersForTests: true });
    const { client, deps } = await openForm({ config, clock, captchas });
    const answer = await client.captchaAnswer('request');
    now += config.web.captchaTtlMs;
    const page = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code: answer });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(CAPTCHA.errors.wrong);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('binds the code to the browser session', async () => {
    const deps = fakeDeps();
    const app = createApp(deps);
    const alice = new PageClient(app);
    const mallory = new PageClient(app);
    await alice.get('/identifiant-perdu');
    await mallory.get('/identifiant-perdu');
    const alicesAnswer = await alice.captchaAnswer('request');
    const malloryAnswer = await mallory.captchaAnswer('request');
    const code = alicesAnswer === malloryAnswer ? String((Number(alicesAnswer) + 1) % 10000).padStart(4, '0') : alicesAnswer;
    const page = await mallory.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code });
    expect(page.status).toBe(422);
  });

  it('draws a new code without JavaScript and keeps what was typed', async () => {
    const { client } = await openForm();
    const page = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', _action: 'nouveau-code' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('value="2026000001"');
    expect(page.html).toContain('value="a@example.org"');
    expect(page.html).not.toContain('resume-erreurs');
    expect(page.html).toContain(CAPTCHA.refreshed);
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
  });

  it('draws a new code for htmx as a fragment that replaces the code block only', async () => {
    const { client } = await openForm();
    const csrf = client.csrfToken()!;
    const fragment = await client.post('/code-securite/request', {}, { htmx: true, csrf });
    expect(fragment.status).toBe(200);
    expect(fragment.html).toMatch(/^<fieldset class="fr-fieldset captcha" id="code-securite-request"/);
    expect(fragment.html).toContain('data-autofocus');
    expect(fragment.headers.get('cache-control')).toBe('no-store');
    expect((await client.post('/code-securite/autre', {}, { htmx: true, csrf })).status).toBe(404);
  });

  it('starts the renewal with the normalised NUMIC and redirects to the confirmation (PRG)', async () => {
    const { client, deps } = await openForm();
    const page = await client.post('/identifiant-perdu', {
      numic: ' 2026-000 001 ',
      courriel: ' Camille.Martin@Example.org ',
      code: await client.captchaAnswer('request'),
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/identifiant-perdu/confirmation');
    expect(deps.renewals.requests).toEqual([{ numic: '2026000001', email: 'Camille.Martin@Example.org' }]);
  });

  it('under htmx, redirects with HX-Redirect and swaps inline errors', async () => {
    const { client } = await openForm();
    const bad = await client.post('/identifiant-perdu', { numic: 'x', courriel: 'a@example.org', code: '1234' }, { htmx: true });
    expect(bad.status).toBe(422);
    expect(mainOf(bad.html)).toContain(REQUEST.errors.numicFormat);
    const ok = await client.post(
      '/identifiant-perdu',
      { numic: '2026000001', courriel: 'a@example.org', code: await client.captchaAnswer('request') },
      { htmx: true },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('hx-redirect')).toBe('/identifiant-perdu/confirmation');
  });
});

describe('screen 3: the confirmation', () => {
  it('says the same thing whatever the match', async () => {
    const { client } = await openForm();
    const page = await client.get('/identifiant-perdu/confirmation');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(CONFIRMATION.alertTitle);
    for (const line of CONFIRMATION.body('1 heure')) expect(text).toContain(line);
  });
});

describe('request form protections', () => {
  it('refuses a POST without the form token or from another origin, with a French page', async () => {
    const { client, deps } = await openForm();
    const code = await client.captchaAnswer('request');
    const noToken = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code }, { csrf: null });
    expect(noToken.status).toBe(403);
    expect(textOf(noToken.html)).toContain(ERRORS.forbidden.title);
    const foreign = await client.post(
      '/identifiant-perdu',
      { numic: '2026000001', courriel: 'a@example.org', code },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(textOf(foreign.html)).toContain(ERRORS.forbidden.title);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('refuses a POST from a browser without a session', async () => {
    const { client } = await openForm();
    const token = client.csrfToken()!;
    client.cookies.clear();
    const page = await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code: '1234' }, { csrf: token });
    expect(page.status).toBe(403);
  });

  it('refuses oversized bodies with a French 413 page', async () => {
    const { client } = await openForm();
    const page = await client.post('/identifiant-perdu', {
      numic: '2026000001',
      courriel: 'a@example.org',
      code: '1234',
      filler: 'x'.repeat(40_000),
    });
    expect(page.status).toBe(413);
    expect(textOf(page.html)).toContain(ERRORS.tooLarge.title);
  });

  it('limits requests per NUMIC with a French 429 page', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '2', RATE_LIMIT_PER_IP: '100' });
    const { client, deps } = await openForm({ config });
    const submit = async (numic: string) =>
      client.post('/identifiant-perdu', { numic, courriel: 'a@example.org', code: await client.captchaAnswer('request') });
    expect((await submit('2026000001')).status).toBe(303);
    await client.get('/identifiant-perdu');
    expect((await submit('2026-000001')).status).toBe(303);
    await client.get('/identifiant-perdu');
    const limited = await submit('2026000001');
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
    expect(textOf(limited.html)).toMatch(/Vous pourrez réessayer dans \d+ minutes?\./);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another NUMIC is not affected.
    await client.get('/identifiant-perdu');
    expect((await submit('2026000002')).status).toBe(303);
    expect(deps.renewals.requests.map((r) => r.numic)).toEqual(['2026000001', '2026000001', '2026000002']);
  });

  it('does not count requests with a wrong code against the NUMIC', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '1', RATE_LIMIT_PER_IP: '100' });
    const { client } = await openForm({ config });
    for (let i = 0; i < 3; i++) {
      const answer = await client.captchaAnswer('request');
      const wrong = answer === '0000' ? '1111' : '0000';
      expect((await client.post('/identifiant-perdu', { numic: '2026000001', courriel: 'a@example.org', code: wrong })).status).toBe(422);
    }
    const ok = await client.post('/identifiant-perdu', {
      numic: '2026000001',
      courriel: 'a@example.org',
      code: await client.captchaAnswer('request'),
    });
    expect(ok.status).toBe(303);
  });

  it('limits POSTs per client address', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '3' });
    const deps = fakeDeps({ config });
    const app = createApp(deps);
    const fromAddress = (address: string) => new PageClient(app, { incoming: { socket: { remoteAddress: address } } });
    const client = fromAddress('203.0.113.7');
    await client.get('/identifiant-perdu');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.post('/identifiant-perdu', { numic: 'x' })).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    const other = fromAddress('198.51.100.9');
    await other.get('/identifiant-perdu');
    expect((await other.post('/identifiant-perdu', { numic: 'x' })).status).toBe(422);
  });
});
