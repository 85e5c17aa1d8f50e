import { describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../config/index.js';
import { createApp } from '../../web/app.js';
import { freshProductionSecrets } from '../../config/secrets.js';
import { ERRORS, LOGIN, SITE } from '../../copy/pages.js';
import { ASSETS, DSFR_STYLESHEETS } from '../../web/assets.js';
import { fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';

describe('page shell and web hygiene', () => {
  it('serves the login page with the DSFR header, the AIDE icon and the lost-identifier link', async () => {
    const page = await new PageClient(createApp(await fakeDeps())).get('/connexion');
    expect(page.status).toBe(200);
    // DSFR's scheme follows the citizen's light or dark preference.
    expect(page.html).toMatch(/^<!doctype html><html lang="fr" data-fr-scheme="system">/);
    expect(page.html).toContain('class="fr-header"');
    expect(page.html).toContain('<p class="fr-logo">République<br/>Française</p>');
    expect(page.html).toContain('class="fr-footer"');
    expect(page.html).toMatch(/<a class="fr-btn fr-icon-question-line" href="\/aide"[^>]*>Aide<\/a>/);
    expect(page.html).toContain(`<a class="fr-link" href="/identifiant-perdu">${LOGIN.lostIdentifier}</a>`);
    expect(page.html).toContain(`<a class="fr-link" href="/mot-de-passe-perdu">${LOGIN.lostPassword}</a>`);
    expect(page.html).toContain('autocomplete="username"');
    expect(page.html).toContain('autocomplete="current-password"');
    // DSFR and htmx come from the app itself, never a CDN.
    for (const src of page.html.match(/(?:src|href)="([^"]+)"/g) ?? []) expect(src).not.toMatch(/https?:\/\//);
    expect(page.html).toContain('src="/static/htmx/htmx.min.js"');
    expect(page.html).toContain('href="/static/dsfr/core/core.main.min.css"');
  });

  it('redirects the home page to the login page', async () => {
    const res = await new PageClient(createApp(await fakeDeps())).get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/connexion');
  });

  it('sends a CSP without inline script or style, no-referrer, no-store, and no inline script in pages', async () => {
    const page = await new PageClient(createApp(await fakeDeps())).get('/identifiant-perdu');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('strict-transport-security')).toBeNull(); // plain http: no HSTS
    // Every <script> has a src: nothing inline; no style attribute either.
    for (const tag of page.html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [])
      expect(tag).toMatch(/^<script[^>]* src="[^"]+"[^>]*><\/script>$/);
    expect(page.html).not.toMatch(/\sstyle="/);
    expect(page.html).not.toMatch(/\son[a-z]+="/);
    expect(page.html).toContain('&quot;allowEval&quot;:false');
    expect(page.html).toContain('&quot;includeIndicatorStyles&quot;:false');
  });

  it('adds HSTS behind TLS', async () => {
    const config = routeTestConfig({ PUBLIC_BASE_URL: 'https://consulat.example.fr' });
    const page = await new PageClient(createApp(await fakeDeps({ config }))).get('/connexion');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('sets its cookies HttpOnly and SameSite, and Secure with __Host- in production', async () => {
    const dev = await new PageClient(createApp(await fakeDeps())).get('/identifiant-perdu');
    const devCookies = dev.headers.getSetCookie();
    expect(devCookies.map((c) => c.split('=')[0]).sort()).toEqual(['code-request', 'csrf']);
    for (const cookie of devCookies) {
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).not.toContain('Secure');
    }

    // The web's own production configuration, over the test one (its store, its ports).
    const production = loadWebConfig({
      ...process.env,
      ...freshProductionSecrets(),
      NODE_ENV: 'production',
      CAPTCHA_TEST_HOOK: 'false',
      PUBLIC_BASE_URL: 'https://consulat.example.fr',
    });
    const config = { ...routeTestConfig(), ...production };
    const prod = await new PageClient(createApp(await fakeDeps({ config })), undefined, 'https://consulat.example.fr').get(
      '/identifiant-perdu',
    );
    for (const cookie of prod.headers.getSetCookie()) {
      expect(cookie).toMatch(/^__Host-/);
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('Path=/');
    }
  });

  it('serves every stylesheet, script and icon the layout links, and every file their stylesheets point to', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    const page = await client.get('/connexion');
    const linked = [...page.html.matchAll(/<(?:link|script)\b[^>]*\s(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    // The layout links what web/assets.ts lists, and nothing else under /static.
    expect(linked.sort()).toEqual([...DSFR_STYLESHEETS, ...Object.values(ASSETS)].sort());
    const typeOf = (path: string) =>
      ({
        css: 'text/css',
        js: 'javascript',
        svg: 'image/svg+xml',
        ico: 'image/',
        png: 'image/png',
        woff2: 'font/woff2',
        woff: 'font/woff',
      })[path.slice(path.lastIndexOf('.') + 1)];
    const fetched = new Map<string, string>();
    const fetchOk = async (path: string) => {
      if (fetched.has(path)) return fetched.get(path)!;
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(typeOf(path));
      expect(res.headers.get('cache-control'), path).toContain('max-age');
      fetched.set(path, res.html);
      return res.html;
    };
    for (const path of linked) await fetchOk(path);
    // Fonts and icons, by the relative paths DSFR's stylesheets (and app.css) use: a DSFR release
    // that renames or drops one fails here.
    const sheets = linked.filter((path) => path.endsWith('.css'));
    for (const sheet of sheets)
      for (const [, url] of fetched.get(sheet)!.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g))
        if (!url!.startsWith('data:')) await fetchOk(new URL(url!, `http://portal${sheet}`).pathname);
    expect([...fetched.keys()].filter((path) => path.includes('/fonts/Marianne-')).length).toBeGreaterThan(4);
    expect((await client.get('/static/dsfr/../../package.json')).status).toBe(404);
  });

  it('answers unknown pages with a French 404 page', async () => {
    const page = await new PageClient(createApp(await fakeDeps())).get('/nulle-part');
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain(ERRORS.notFound.title);
    expect(textOf(page.html)).toContain(ERRORS.notFound.body);
    expect(page.html).toContain('class="fr-header"');
  });

  it('answers a failure with a French 500 page that reveals no internals', async () => {
    const deps = await fakeDeps();
    deps.renewals.requestRenewal = async () => {
      throw new Error('unexpected state at Renewals.request (/srv/app/client/renewals.ts:12)');
    };
    const client = new PageClient(createApp(deps));
    await client.get('/identifiant-perdu');
    const page = await client.post('/identifiant-perdu', {
      numic: '2026000001',
      courriel: 'a@example.org',
      code: await client.captchaAnswer('request'),
    });
    expect(page.status).toBe(500);
    expect(textOf(page.html)).toContain(ERRORS.server.title);
    expect(page.html).not.toMatch(/renewals\.ts|unexpected state|Error\b|\bat [A-Za-z.]+ \(/);
  });

  it('names the site in every page title', async () => {
    const page = await new PageClient(createApp(await fakeDeps())).get('/aide');
    expect(page.html).toContain(`<title>Aide et contact${SITE.titleSuffix}</title>`);
  });
});
