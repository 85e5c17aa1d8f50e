import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { ERRORS, SITE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { ASSETS } from '../assets.js';

/**
 * htmx runs under a CSP without inline script or style: no eval, no injected indicator style,
 * no script execution in swapped content, no `style` attribute copied while settling (a
 * setAttribute('style') is inline style to the CSP), and no page snapshots in localStorage (a
 * snapshot of screen 6 would keep the new identifier there). Every response is swapped, errors
 * included: each page carries its own French message.
 */
export const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  attributesToSettle: ['class', 'width', 'height'],
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  selfRequestsOnly: true,
  responseHandling: [
    { code: '204', swap: false },
    { code: '...', swap: true },
  ],
});

export interface LayoutProps {
  title: string;
  /** Prefixes the title with « Erreur » so the failure is heard first (RGAA 8.6). */
  hasErrors?: boolean;
  children: Child;
}

export function Layout({ title, hasErrors = false, children }: LayoutProps) {
  const fullTitle = `${hasErrors ? 'Erreur – ' : ''}${title}${SITE.titleSuffix}`;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="fr">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
          <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title>{fullTitle}</title>
          <link rel="stylesheet" href={ASSETS.dsfrCss} />
          <link rel="stylesheet" href={ASSETS.iconsCss} />
          <link rel="stylesheet" href={ASSETS.appCss} />
          <link rel="apple-touch-icon" href={ASSETS.appleTouchIcon} />
          <link rel="icon" href={ASSETS.faviconSvg} type="image/svg+xml" />
          <link rel="shortcut icon" href={ASSETS.faviconIco} type="image/x-icon" />
          <script type="module" src={ASSETS.dsfrModuleJs}></script>
          <script nomodule src={ASSETS.dsfrNomoduleJs}></script>
          <script defer src={ASSETS.htmxJs}></script>
          <script defer src={ASSETS.enhanceJs}></script>
        </head>
        <body>
          <SkipLinks />
          <Header />
          <main id="contenu" role="main" tabindex={-1}>
            <div class="fr-container fr-my-6w">{children}</div>
          </main>
          <Footer />
        </body>
      </html>
    </>
  );
}

function SkipLinks() {
  return (
    <div class="fr-skiplinks">
      <nav class="fr-container" role="navigation" aria-label={SITE.skipLinks}>
        <ul class="fr-skiplinks__list">
          <li>
            <a class="fr-link" href="#contenu">
              {SITE.skipToContent}
            </a>
          </li>
          <li>
            <a class="fr-link" href="#pied-de-page">
              {SITE.skipToFooter}
            </a>
          </li>
        </ul>
      </nav>
    </div>
  );
}

const Republic = () => (
  <p class="fr-logo">
    {SITE.republic[0]}
    <br />
    {SITE.republic[1]}
  </p>
);

function Header() {
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <Republic />
                </div>
                <div class="fr-header__navbar">
                  <button
                    class="fr-btn--menu fr-btn"
                    data-fr-opened="false"
                    aria-controls="menu-mobile"
                    aria-haspopup="menu"
                    id="bouton-menu"
                    title={SITE.menu}
                    type="button"
                  >
                    {SITE.menu}
                  </button>
                </div>
              </div>
              <div class="fr-header__service">
                <a href={PATHS.home} title={SITE.homeTitle}>
                  <p class="fr-header__service-title">{SITE.serviceTitle}</p>
                </a>
                <p class="fr-header__service-tagline">{SITE.serviceTagline}</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <ul class="fr-btns-group">
                  <li>
                    <a class="fr-btn fr-icon-question-line" href={PATHS.help} title={SITE.helpTitle} data-testid="aide">
                      {SITE.help}
                    </a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </div>
      </div>
      {/* DSFR's script gives this menu its dialog role and name when it is active (small screens). */}
      <div class="fr-header__menu fr-modal" id="menu-mobile">
        <div class="fr-container">
          <button class="fr-btn--close fr-btn" aria-controls="menu-mobile" title={SITE.close} type="button">
            {SITE.close}
          </button>
          <div class="fr-header__menu-links"></div>
        </div>
      </div>
    </header>
  );
}

function Footer() {
  return (
    <footer class="fr-footer" role="contentinfo" id="pied-de-page">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href={PATHS.home} title={SITE.homeTitle}>
              <Republic />
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">{SITE.footerDescription}</p>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            {[
              { label: SITE.footerAccessibility, href: `${PATHS.help}#accessibilite` },
              { label: SITE.contactHelp, href: PATHS.help },
            ].map((link) => (
              <li class="fr-footer__bottom-item">
                <a class="fr-footer__bottom-link" href={link.href}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
          <div class="fr-footer__bottom-copy">
            <p>{SITE.licence}</p>
          </div>
        </div>
      </div>
    </footer>
  );
}

/** A page that says what happened and where to go next: errors, dead links, one-time pages. */
export function MessagePage(props: {
  title: string;
  body: string | string[];
  status?: number;
  severity?: 'error' | 'warning' | 'info' | 'success';
  actions?: { label: string; href: string; secondary?: boolean }[];
}) {
  const { title, body, status, severity = 'info', actions = [] } = props;
  return (
    <Layout title={title}>
      {status && status >= 400 ? <p class="fr-text--sm fr-mb-1w">{ERRORS.errorCode(status)}</p> : null}
      <h1 tabindex={-1} data-autofocus>
        {title}
      </h1>
      <div class={`fr-alert fr-alert--${severity} fr-mb-4w`}>
        {(Array.isArray(body) ? body : [body]).map((p) => (
          <p>{p}</p>
        ))}
      </div>
      {actions.length > 0 ? (
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {actions.map((a) => (
            <li>
              <a class={`fr-btn${a.secondary ? ' fr-btn--secondary' : ''}`} href={a.href}>
                {a.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </Layout>
  );
}
