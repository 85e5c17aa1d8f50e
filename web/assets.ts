/**
 * Static assets served by the app itself from node_modules and web/static: DSFR, htmx and our
 * own small script and stylesheet. No CDN: the pages work on a network that reaches only us. The
 * one list of the paths the layout links (test/web/pages.test.ts fetches each of them, and every
 * file their stylesheets point to).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sourceRoot } from '../config/source-root.js';

const require = createRequire(import.meta.url);

export const STATIC_DIRS = {
  /** DSFR's dist folder: its CSS finds fonts and icons by relative paths inside it. */
  dsfr: dirname(require.resolve('@gouvfr/dsfr/dist/dsfr.min.css')),
  htmx: dirname(require.resolve('htmx.org/dist/htmx.min.js')),
  /** From the checkout, for the web run from its compiled copy too (dev/stack/compiled.ts). */
  app: join(sourceRoot, 'web', 'static') + '/',
};

const DSFR = '/static/dsfr';

/**
 * DSFR's stylesheets, one per package the pages use, as DSFR documents loading them (core, the
 * scheme for the dark theme, each component after its dependencies, the colour utilities of the
 * login template's grey box), without their IE 11 fallbacks (.main): 377 kB, where DSFR's whole
 * dsfr.min.css and its icons stylesheet weigh 1 MB, 29 s before the first paint on a slow 3G line.
 * The few icons the pages use are in app.css. A view that uses another DSFR component adds its
 * package here (test/web/accessibility.test.ts fails on a DSFR class no served stylesheet defines).
 */
const DSFR_PACKAGES = [
  'core/core',
  'scheme/scheme',
  'component/link/link',
  'component/button/button',
  'component/form/form',
  'component/input/input',
  'component/checkbox/checkbox',
  'component/password/password',
  'component/logo/logo',
  'component/modal/modal',
  'component/header/header',
  'component/footer/footer',
  'component/skiplink/skiplink',
  'component/alert/alert',
  'component/notice/notice',
  'component/callout/callout',
  'component/stepper/stepper',
  'utility/colors/colors',
] as const;
// The scheme package ships no .main file: its one stylesheet holds no IE 11 fallback anyway.
export const DSFR_STYLESHEETS = DSFR_PACKAGES.map((p) => `${DSFR}/${p}${p === 'scheme/scheme' ? '' : '.main'}.min.css`);

export const ASSETS = {
  dsfrModuleJs: `${DSFR}/dsfr.module.min.js`,
  dsfrNomoduleJs: `${DSFR}/dsfr.nomodule.min.js`,
  faviconSvg: `${DSFR}/favicon/favicon.svg`,
  faviconIco: `${DSFR}/favicon/favicon.ico`,
  appleTouchIcon: `${DSFR}/favicon/apple-touch-icon.png`,
  htmxJs: '/static/htmx/htmx.min.js',
  appCss: '/static/app/app.css',
  enhanceJs: '/static/app/enhance.js',
};
