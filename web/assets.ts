/**
 * Static assets served by the app itself from node_modules and web/static: DSFR, htmx and our
 * own small script and stylesheet. No CDN: the pages work on a network that reaches only us.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const STATIC_DIRS = {
  /** DSFR's dist folder: its CSS finds fonts and icons by relative paths inside it. */
  dsfr: dirname(require.resolve('@gouvfr/dsfr/dist/dsfr.min.css')),
  htmx: dirname(require.resolve('htmx.org/dist/htmx.min.js')),
  app: fileURLToPath(new URL('./static/', import.meta.url)),
};

export const ASSETS = {
  dsfrCss: '/static/dsfr/dsfr.min.css',
  iconsCss: '/static/dsfr/utility/icons/icons.min.css',
  dsfrModuleJs: '/static/dsfr/dsfr.module.min.js',
  dsfrNomoduleJs: '/static/dsfr/dsfr.nomodule.min.js',
  faviconSvg: '/static/dsfr/favicon/favicon.svg',
  faviconIco: '/static/dsfr/favicon/favicon.ico',
  appleTouchIcon: '/static/dsfr/favicon/apple-touch-icon.png',
  htmxJs: '/static/htmx/htmx.min.js',
  appCss: '/static/app/app.css',
  enhanceJs: '/static/app/enhance.js',
};
