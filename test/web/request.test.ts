import { describe, expect, it } from 'vitest';
import { CODE, CONFIRMATION, ERRORS, REQUEST } from '../../copy/pages.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';
import { createApp } from '../../web/app.js';
import { fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, mainOf, textOf } from '../support/page-client.js';

async function openForm(kind: RenewalKind, overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const deps = await fakeDeps(overrides);
  const app = createApp(deps);
  const client = new PageClient(app);
  const page = await client.get(RENEWAL_PATHS[kind].request);
  return { deps, app, client, page };
}

const wrongOf = (answer: string) => (answer === '0000' ? '1111' : '0000');

describe.each(RENEWAL_KINDS)('screen 2: the request form (%s)', (kind) => {
  const { request, confirmation } = RENEWAL_PATHS[kind];

  it('asks for the NUMIC, the email and a 4-digit security code drawn as a picture, with its spoken version', async () => {
    const { page } = await openForm(kind);
    expect(page.status).toBe(200);
    const html = mainOf(page.html);
    expect(html).toContain(`<h1>${REQUEST[kind].title}</h1>`);
    expect(html).toContain('name="numic"');
    expect(html).toContain('name="courriel"');
    expect(html).toContain('autocomplete="email"');
    expect(html).toMatch(/<img class="captcha__image" src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="[^"]+" width="180" height="64"\/>/);
    expect(html).toMatch(/<audio controls="" preload="none" src="\/code-securite\/request\/audio\?c=[\w-]+"/);
    expect(html).toContain(`>${CODE.refresh}</button>`);
    expect(html).toContain(`>${REQUEST[kind].submit}</button>`);
    expect(html).toContain('inputmode="numeric"');
    expect(html).toContain('href="/aide#contact"'); // who can neither see nor hear the code
  });

  it('explains each error in French, announces it, and keeps the NUMIC and email typed', async () => {
    const { client, deps } = await openForm(kind);
    const page = await client.post(request, { numic: '12-AB', courriel: 'camille@', code: '12' });
    expect(page.status).toBe(422);
    const text = textOf(page.html);
    expect(text).toContain(REQUEST.errors.numicFormat);
    expect(text).toContain(REQUEST.errors.emailFormat);
    expect(text).toContain(CODE.errors.format);
    expect(page.html).toContain('<title>Erreur – ');
    expect(page.html).toMatch(/role="alert"[^>]*id="resume-erreurs"/);
    expect(page.html).toContain('<p class="fr-message fr-message--error" id="numic-erreur">');
    expect(page.html).toContain('value="12-AB"');
    expect(page.html).toContain('value="camille@"');
    expect(page.html).not.toMatch(/name="code"[^>]*value=/);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('asks for missing fields', async () => {
    const { client } = await openForm(kind);
    const page = await client.post(request, {});
    expect(page.status).toBe(422);
    const text = textOf(page.html);
    expect(text).toContain(REQUEST.errors.numicRequired);
    expect(text).toContain(REQUEST.errors.emailRequired);
    expect(text).toContain(CODE.errors.required);
  });

  it('refuses a wrong code without starting anything, and shows a new one', async () => {
    const { client, deps } = await openForm(kind);
    const answer = await client.captchaAnswer('request');
    const page = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: wrongOf(answer) });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(CODE.errors.wrong);
    expect(deps.renewals.requests).toHaveLength(0);
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
  });

  it('starts the renewal of this kind with the normalised NUMIC and redirects to the confirmation (PRG)', async () => {
    const { client, deps } = await openForm(kind);
    const page = await client.post(request, {
      numic: ' 2026-000 001 ',
      courriel: ' Camille.Martin@Example.org ',
      code: await client.captchaAnswer('request'),
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(confirmation);
    expect(deps.renewals.requests).toEqual([{ kind, numic: '2026000001', email: 'Camille.Martin@Example.org' }]);
  });

  it('under htmx, redirects with HX-Redirect and swaps inline errors', async () => {
    const { client } = await openForm(kind);
    const bad = await client.post(request, { numic: 'x', courriel: 'a@example.org', code: '1234' }, { htmx: true });
    expect(bad.status).toBe(422);
    expect(mainOf(bad.html)).toContain(REQUEST.errors.numicFormat);
    const ok = await client.post(
      request,
      { numic: '2026000001', courriel: 'a@example.org', code: await client.captchaAnswer('request') },
      { htmx: true },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('hx-redirect')).toBe(confirmation);
  });

  it('screen 3 says the same thing whatever the match', async () => {
    const { client } = await openForm(kind);
    const page = await client.get(confirmation);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(CONFIRMATION.alertTitle);
    for (const line of CONFIRMATION.body(kind, '1 heure')) expect(text).toContain(line);
  });
});

describe('request form protections', () => {
  const { request } = RENEWAL_PATHS.identifier;

  it('refuses a POST without the form token or from another origin, with a French page', async () => {
    const { client, deps } = await openForm('identifier');
    const code = await client.captchaAnswer('request');
    const noToken = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code }, { csrf: null });
    expect(noToken.status).toBe(403);
    expect(textOf(noToken.html)).toContain(ERRORS.forbidden.title);
    const foreign = await client.post(
      request,
      { numic: '2026000001', courriel: 'a@example.org', code },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('refuses a form token that is not this browser’s (its cookie signs it)', async () => {
    const { app, client } = await openForm('identifier');
    const other = new PageClient(app);
    await other.get(request);
    const page = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: '1234' }, { csrf: other.csrfToken()! });
    expect(page.status).toBe(403);
  });

  it('refuses oversized bodies with a French 413 page', async () => {
    const { client } = await openForm('identifier');
    const page = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: '1234', filler: 'x'.repeat(40_000) });
    expect(page.status).toBe(413);
    expect(textOf(page.html)).toContain(ERRORS.tooLarge.title);
  });

  it('creates no server-side state for a visit: no session cookie, nothing in the store', async () => {
    // A database of the test Redis that no other test uses, so that its key count is this test's own.
    const config = routeTestConfig({ REDIS_URL: `redis://127.0.0.1:${routeTestConfig().store.port}/15` });
    const { deps, client, page } = await openForm('identifier', { config });
    expect(page.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(expect.not.arrayContaining(['sid']));
    expect([...client.cookies.keys()].sort()).toEqual(['code-request', 'csrf']);
    const before = await deps.store.dbsize();
    for (let i = 0; i < 20; i++) await new PageClient(createApp(deps)).get(request);
    expect(await deps.store.dbsize()).toBe(before);
  });

  it('limits this client’s requests for one NUMIC, with a French 429 page and no RateLimit header', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '2', RATE_LIMIT_PER_IP: '100' });
    const { client, deps } = await openForm('identifier', { config });
    const submit = async (numic: string) => {
      await client.get(request);
      return client.post(request, { numic, courriel: 'a@example.org', code: await client.captchaAnswer('request') });
    };
    const first = await submit('2026000001');
    expect(first.status).toBe(303);
    expect((await submit('2026-000001')).status).toBe(303);
    const limited = await submit('2026000001');
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
    expect(textOf(limited.html)).toMatch(/dans \d+ minutes?\./);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    for (const res of [first, limited]) expect([...res.headers.keys()].filter((h) => h.startsWith('ratelimit'))).toEqual([]);
    // Another NUMIC is not affected.
    expect((await submit('2026000002')).status).toBe(303);
    expect(deps.renewals.requests.map((r) => r.numic)).toEqual(['2026000001', '2026000001', '2026000002']);
  });

  it('lets the owner through at once after fifty requests for the NUMIC from a stranger', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '1000' });
    const { app, deps } = await openForm('identifier', { config });
    const stranger = new PageClient(app);
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      await stranger.get(request);
      const res = await stranger.post(request, {
        numic: '2026000001',
        courriel: `autre.${i}@example.org`,
        code: await stranger.captchaAnswer('request'),
      });
      if (res.status === 429) refused++;
    }
    expect(refused).toBe(50 - config.web.rateLimit.perAccount); // the stranger's own allowance ran out
    const owner = new PageClient(app);
    await owner.get(request);
    const mine = await owner.post(request, {
      numic: '2026000001',
      courriel: 'camille.martin@example.org',
      code: await owner.captchaAnswer('request'),
    });
    expect(mine.status).toBe(303);
    expect(deps.renewals.requests.at(-1)).toEqual({ kind: 'identifier', numic: '2026000001', email: 'camille.martin@example.org' });
  });

  it('does not count requests with a wrong code against the NUMIC', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '1', RATE_LIMIT_PER_IP: '100' });
    const { client } = await openForm('identifier', { config });
    for (let i = 0; i < 3; i++) {
      const wrong = wrongOf(await client.captchaAnswer('request'));
      expect((await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: wrong })).status).toBe(422);
    }
    const ok = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: await client.captchaAnswer('request') });
    expect(ok.status).toBe(303);
  });

  it('limits all POSTs per client address', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '3' });
    const { app } = await openForm('identifier', { config });
    const client = new PageClient(app);
    await client.get(request);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.post(request, {})).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    const elsewhere = new PageClient(app);
    await elsewhere.get(request);
    expect((await elsewhere.post(request, {})).status).toBe(422);
  });
});
