/**
 * Every address of the citizen's portal, in one place: the web's routes and redirects, the links the
 * activities email, the tests. The renewal paths are per kind; a link's path says its kind.
 */
import type { RenewalKind } from './renewal-kind.js';

export const PATHS = {
  home: '/',
  login: '/connexion',
  account: '/espace',
  logout: '/deconnexion',
  help: '/aide',
  helpSent: '/aide/message-envoye',
  accessibility: '/accessibilite',
  captcha: '/code-securite',
} as const;

export interface RenewalPaths {
  /** Screen 2: the request form. */
  request: string;
  /** Screen 3: the same confirmation whatever the match. */
  confirmation: string;
  /** Screen 5: the emailed link, `<link>/<token>`. */
  link: string;
  /** Screen 6: what the renewal changed (the identifier shown once; the password sent by SMS). */
  done: string;
}

export const RENEWAL_PATHS: Record<RenewalKind, RenewalPaths> = {
  identifier: {
    request: '/identifiant-perdu',
    confirmation: '/identifiant-perdu/confirmation',
    link: '/identifiant-perdu/lien',
    done: '/identifiant-perdu/nouvel-identifiant',
  },
  password: {
    request: '/mot-de-passe-perdu',
    confirmation: '/mot-de-passe-perdu/confirmation',
    link: '/mot-de-passe-perdu/lien',
    done: '/mot-de-passe-perdu/mot-de-passe-envoye',
  },
};

/** The link a renewal email carries, built from the configured public base URL (never a request's Host). */
export const linkUrl = (publicBaseUrl: string, kind: RenewalKind, token: string) => `${publicBaseUrl}${RENEWAL_PATHS[kind].link}/${token}`;

/** A path as logged: a link token is a secret and never reaches the logs. */
export function loggablePath(path: string): string {
  for (const { link } of Object.values(RENEWAL_PATHS)) if (path.startsWith(`${link}/`)) return `${link}/:token`;
  return path;
}
