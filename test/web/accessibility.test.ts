/**
 * Every screen's markup, rendered through the routes with scripted dependencies: what an RGAA
 * audit reads in the source (doctype, language, a title that says where one is, headings, no
 * presentational markup, the purpose of identifying fields, no new windows), DSFR's patterns where
 * the pages use them (the password component, the stepper, the footer's accessibility link, the
 * scheme attribute), and that every DSFR class and icon a page uses is in the stylesheets served.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CRITERIA, SCREENS, conformity } from '../../copy/accessibility.js';
import { ACCESSIBILITY, FORM, JOURNEY, SITE, STEPPER } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { ASSETS, DSFR_STYLESHEETS } from '../../web/assets.js';
import { createApp } from '../../web/app.js';
import { JOURNEY_STEPS } from '../../web/views/layout.js';
import { DEAD_LINK_REASONS, RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';
import { rgaa } from '../support/browser/rgaa.js';
import { fakeAccounts, fakeDeps } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';

const CITIZEN = { identifier: 'HJ4K-M7NP-QRTV', password: 'Soleil-Marin-2026' };
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf';

interface Screen {
  /** One screen of the portal; its variants in error share it (and its title, after « Erreur – »). */
  screen: string;
  html: string;
  status: number;
  inError?: boolean;
  journey?: { kind: RenewalKind; step?: number };
}

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
const decode = (text: string) =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Every screen a citizen can reach, each state of each renewal's four steps and their dead ends. */
async function renderEveryScreen(): Promise<Screen[]> {
  const screens: Screen[] = [];
  const accounts = await fakeAccounts([CITIZEN]);
  const add = (screen: string, res: { html: string; status: number }, extra: Partial<Screen> = {}) =>
    screens.push({ screen, html: res.html, status: res.status, ...extra });

  {
    const deps = await fakeDeps({ accounts });
    const client = new PageClient(createApp(deps));
    add('login', await client.get(PATHS.login));
    add('login', await client.post(PATHS.login, { identifiant: '', motDePasse: '' }), { inError: true });
    add('login', await client.post(PATHS.login, { identifiant: CITIZEN.identifier, motDePasse: 'pas-le-bon' }), { inError: true });
    await client.post(PATHS.login, { identifiant: CITIZEN.identifier, motDePasse: CITIZEN.password });
    add('account', await client.get(PATHS.account));
    add('help', await client.get(PATHS.help));
    add('help', await client.post(PATHS.help, { nom: '', courriel: '', message: '', code: '' }), { inError: true });
    await client.get(PATHS.help);
    await client.post(PATHS.help, {
      nom: 'Camille Martin',
      courriel: 'camille@example.org',
      message: 'Je ne reçois pas le courriel.',
      code: await client.captchaAnswer('help'),
    });
    add('help-sent', await client.get(PATHS.helpSent));
    add('accessibility', await client.get(PATHS.accessibility));
    add('not-found', await client.get('/nulle-part'));
    add('forbidden', await client.post(PATHS.login, { identifiant: 'x', motDePasse: 'y' }, { csrf: null }));
    add('audio-unavailable', await client.get(`${PATHS.captcha}/request/audio?c=ancien`));
  }

  for (const kind of RENEWAL_KINDS) {
    const paths = RENEWAL_PATHS[kind];
    const deps = await fakeDeps({ accounts });
    const client = new PageClient(createApp(deps));
    const url = `${paths.link}/${TOKEN}`;
    add(`${kind}:request`, await client.get(paths.request), { journey: { kind, step: 1 } });
    add(`${kind}:request`, await client.post(paths.request, { numic: '', courriel: '', code: '' }), {
      journey: { kind, step: 1 },
      inError: true,
    });
    add(`${kind}:confirmation`, await client.get(paths.confirmation), { journey: { kind, step: 2 } });
    add(`${kind}:link`, await client.get(url), { journey: { kind, step: 3 } });
    add(`${kind}:link`, await client.post(url, { secret: '', code: '' }), { journey: { kind, step: 3 }, inError: true });
    await client.get(url);
    deps.renewals.submitResults.push(
      kind === 'identifier'
        ? { status: 'completed', kind, identifier: 'K7QM-4WXH-9TPC' }
        : { status: 'completed', kind, phoneEnding: '01' },
    );
    await client.post(url, {
      secret: kind === 'identifier' ? CITIZEN.password : CITIZEN.identifier,
      code: await client.captchaAnswer('link'),
    });
    add(`${kind}:done`, await client.get(paths.done), { journey: { kind, step: 4 } });
    add(`${kind}:done-gone`, await client.get(paths.done), { journey: { kind } });
    for (const reason of DEAD_LINK_REASONS) {
      deps.renewals.state = { status: 'dead', reason };
      add(`${kind}:dead-${reason}`, await new PageClient(createApp(deps)).get(url), { journey: { kind } });
    }
    deps.renewals.state = { status: 'pending' };
    add(`${kind}:pending`, await new PageClient(createApp(deps)).get(url), { journey: { kind } });
  }
  return screens;
}

let screens: Screen[];
beforeAll(async () => {
  screens = await renderEveryScreen();
});

describe('every screen, as an audit reads its source', () => {
  it('rendered each screen, each as a whole page', () => {
    expect(screens.length).toBeGreaterThan(30);
    for (const s of screens) expect(s.html, s.screen).toMatch(/<\/html>$/);
  });

  it(`${rgaa('8.1', '8.3', '8.4')} starts with the doctype and says the page is in French, with DSFR's scheme following the citizen's choice`, () => {
    for (const s of screens) expect(s.html, s.screen).toMatch(/^<!doctype html><html lang="fr" data-fr-scheme="system">/);
  });

  it(`${rgaa('8.5', '8.6')} gives each screen a title of its own that says where the citizen is, the renewal's step included`, () => {
    const byTitle = new Map<string, string>();
    for (const s of screens) {
      const title = decode(titleOf(s.html));
      expect(title, s.screen).toMatch(new RegExp(`.+${SITE.titleSuffix}$`));
      // A form in error says so first; otherwise its title is its screen's.
      expect(title.startsWith('Erreur – '), `${s.screen}: ${title}`).toBe(s.inError === true);
      const base = title.replace(/^Erreur – /, '');
      expect(byTitle.get(base) ?? s.screen, `« ${base} » is the title of two screens`).toBe(s.screen);
      byTitle.set(base, s.screen);
      if (s.journey) expect(title, s.screen).toContain(JOURNEY[s.journey.kind].name);
      if (s.journey?.step) {
        expect(title, s.screen).toContain(STEPPER.state(s.journey.step, JOURNEY_STEPS));
        // DSFR's stepper says it too, in words and in its data attributes.
        expect(s.html, s.screen).toContain(`<span class="fr-stepper__state">${STEPPER.state(s.journey.step, JOURNEY_STEPS)}</span>`);
        expect(s.html, s.screen).toContain(`data-fr-current-step="${s.journey.step}" data-fr-steps="${JOURNEY_STEPS}"`);
      } else {
        expect(title, s.screen).not.toMatch(/Étape \d/);
        expect(s.html, s.screen).not.toContain('fr-stepper');
      }
    }
    expect(new Set(screens.map((s) => s.screen)).size).toBe(byTitle.size);
  });

  it(`${rgaa('9.1')} has one level-1 heading per page and skips no heading level`, () => {
    for (const s of screens) {
      const levels = [...s.html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
      expect(
        levels.filter((l) => l === 1),
        s.screen,
      ).toHaveLength(1);
      expect(levels[0], s.screen).toBe(1);
      levels.forEach((level, i) => {
        if (i > 0) expect(level - levels[i - 1]!, `${s.screen}: h${levels[i - 1]} then h${level}`).toBeLessThanOrEqual(1);
      });
    }
  });

  it(`${rgaa('10.1')} leaves presentation to the stylesheets: no presentational attribute or element`, () => {
    const presentational =
      /<[a-z0-9]+\s[^>]*?\s(?:style|align|valign|bgcolor|background|border|cellpadding|cellspacing|color|face|size|hspace|vspace|clear|compact|frameborder|marginwidth|marginheight|alink|vlink|link|text)="/;
    for (const s of screens) {
      expect(s.html, s.screen).not.toMatch(presentational);
      expect(s.html, s.screen).not.toMatch(/<(?:font|center|big|blink|marquee|basefont|strike|tt)[\s>]/);
      // width and height only on the security code's picture (RGAA allows them on img).
      for (const tag of s.html.match(/<[a-z]+\s[^>]*\s(?:width|height)="[^>]*>/g) ?? []) expect(tag, s.screen).toMatch(/^<img /);
    }
  });

  it(`${rgaa('11.13')} says the purpose of each field that identifies the citizen, for autofill`, () => {
    const expected: Record<string, string> = { identifiant: 'username', motDePasse: 'current-password', courriel: 'email', nom: 'name' };
    const seen = new Set<string>();
    for (const s of screens) {
      for (const tag of s.html.match(/<input [^>]*>/g) ?? []) {
        const name = /\sname="([^"]+)"/.exec(tag)?.[1] ?? '';
        const autocomplete = /\sautocomplete="([^"]+)"/.exec(tag)?.[1];
        // The link page's secret: the password for a new identifier, the identifier for a new password.
        const want =
          name === 'secret' ? (s.journey?.kind === 'identifier' ? 'current-password' : 'username') : (expected[name] ?? undefined);
        if (!want) continue;
        seen.add(name);
        expect(autocomplete, `${s.screen}: ${tag}`).toBe(want);
      }
    }
    expect([...seen].sort()).toEqual(['courriel', 'identifiant', 'motDePasse', 'nom', 'secret']);
  });

  it(`${rgaa('13.2')} opens no new window`, () => {
    for (const s of screens) {
      expect(s.html, s.screen).not.toMatch(/\starget="/);
      expect(s.html, s.screen).not.toMatch(/window\.open/);
    }
  });

  it('links each error of a summary to its field', () => {
    let summaries = 0;
    for (const s of screens) {
      const summary = /<div class="fr-alert fr-alert--error[^"]*"[^>]*id="resume-erreurs"[\s\S]*?<\/div>/.exec(s.html)?.[0];
      if (!summary) continue;
      summaries++;
      expect(summary, s.screen).toMatch(/role="alert"/);
      for (const [, id] of summary.matchAll(/href="#([^"]+)"/g)) expect(s.html, `${s.screen}: #${id}`).toContain(`id="${id}"`);
    }
    expect(summaries).toBeGreaterThanOrEqual(5);
  });
});

describe('DSFR as it is meant', () => {
  it('puts every password field in DSFR’s password component, with its « Afficher » box named for what it does', () => {
    let fields = 0;
    for (const s of screens) {
      for (const [group] of s.html.matchAll(/<div class="fr-password[^"]*"[\s\S]*?<\/label><\/div>/g)) {
        fields++;
        expect(group).toMatch(/<input class="fr-password__input fr-input" type="password"/);
        expect(group).toContain('spellcheck="false"');
        expect(group).toContain(`<input aria-label="${FORM.showPasswordLabel}"`);
        expect(group).toMatch(new RegExp(`<label class="fr-label" for="[^"]+-afficher">${FORM.showPassword}</label>`));
      }
      const passwords = s.html.match(/type="password"/g)?.length ?? 0;
      expect(s.html.match(/class="fr-password__input fr-input" type="password"/g)?.length ?? 0, s.screen).toBe(passwords);
    }
    expect(fields).toBeGreaterThanOrEqual(4); // login (three states) and the identifier renewal's link page (two)
  });

  it('follows DSFR’s login template: its box, its fieldsets, a recovery link under each field, one alert for a refused pair', () => {
    const [blank, empty, refused] = screens.filter((s) => s.screen === 'login');
    for (const page of [blank!, empty!, refused!]) {
      expect(page.html).toContain('class="fr-container fr-background-alt--grey');
      expect(page.html).toContain('<legend class="fr-sr-only" id="identifiants-legende">');
      expect(page.html).toMatch(/<div class="fr-password[^"]*"[\s\S]*?<a class="fr-link" href="\/mot-de-passe-perdu">/);
      expect(page.html).toContain('<a class="fr-link" href="/identifiant-perdu">');
    }
    // A refused pair: a single small alert inside the form, the identifiers' group in error, no summary.
    expect(refused!.html.match(/fr-alert--error/g)).toHaveLength(1);
    expect(refused!.html).toMatch(/<div class="fr-mb-2v fr-alert fr-alert--error fr-alert--sm" role="alert"/);
    expect(refused!.html).toContain('class="fr-mb-n4v fr-fieldset fr-fieldset--error" id="identifiants" role="group"');
    expect(empty!.html).toContain(FORM.errorSummaryTitle(2));
  });

  it('links its footer to the declaration, saying the status the declaration states', () => {
    const label = SITE.footerAccessibility(ACCESSIBILITY.status[conformity()]);
    for (const s of screens)
      expect(s.html, s.screen).toContain(`<a class="fr-footer__bottom-link" href="${PATHS.accessibility}">${label}</a>`);
  });

  it('uses only DSFR classes its served stylesheets define, and a rule in app.css for each icon', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    const sheets = await Promise.all([...DSFR_STYLESHEETS, ASSETS.appCss].map(async (href) => (await client.get(href)).html));
    const css = sheets.join('\n');
    const classes = new Set(screens.flatMap((s) => [...s.html.matchAll(/\sclass="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s+/))));
    const dsfr = [...classes].filter((c) => c.startsWith('fr-'));
    expect(dsfr.length).toBeGreaterThan(50);
    // A class DSFR's markup has but only its script reads (fr-password__label) counts too; and one
    // that only its IE 11 stylesheet styles, which the layout no longer loads.
    const script = (await client.get(ASSETS.dsfrModuleJs)).html;
    const onlyForIe11 = ['fr-header__body'];
    const undefinedClasses = dsfr.filter(
      (c) =>
        !new RegExp(`\\.${c}(?![\\w-])`).test(css) && !script.includes(`selector("${c.slice('fr-'.length)}")`) && !onlyForIe11.includes(c),
    );
    expect(undefinedClasses).toEqual([]);
    const appCss = sheets.at(-1)!;
    for (const icon of dsfr.filter((c) => c.startsWith('fr-icon-'))) expect(appCss, icon).toContain(`.${icon}::before`);
    for (const [, url] of appCss.matchAll(/url\('([^']+)'\)/g)) expect((await client.get(url!)).status, url).toBe(200);
  });
});

describe('the accessibility declaration', () => {
  it('lists, from copy/accessibility.ts, the criteria tested, checked by hand and not met, the pages checked and the help desk', () => {
    const page = screens.find((s) => s.screen === 'accessibility')!;
    expect(page.status).toBe(200);
    const listed = (id: string) => {
      const list = new RegExp(`<ul id="${id}">([\\s\\S]*?)</ul>`).exec(page.html)?.[1] ?? '';
      return [...list.matchAll(/data-criterion="([^"]+)"/g)].map((m) => m[1]);
    };
    const ids = (status: string) => CRITERIA.filter((c) => c.status === status).map((c) => c.id);
    expect(listed('criteres-testes')).toEqual(ids('tested'));
    expect(listed('criteres-manuels')).toEqual(ids('manual'));
    expect(listed('criteres-non-respectes')).toEqual(ids('not-met'));
    const text = textOf(page.html);
    for (const c of CRITERIA) expect(text).toContain(textOf(c.how));
    for (const screen of SCREENS) expect(text).toContain(textOf(screen.name));
    expect(text).toContain(textOf(ACCESSIBILITY.statusBody(ACCESSIBILITY.status[conformity()], '4.1.2')));
    expect(page.html).toMatch(/href="mailto:[^"]+@[^"]+"/);
  });

  it('gives the help page the help desk’s address, the way in for who can use neither version of the security code', () => {
    const help = screens.find((s) => s.screen === 'help')!;
    expect(help.html).toMatch(/<h2 id="contact">[\s\S]*?<a class="fr-link" href="mailto:[^"]+@[^"]+">/);
    expect(help.html).toContain(`href="${PATHS.accessibility}"`);
  });
});
