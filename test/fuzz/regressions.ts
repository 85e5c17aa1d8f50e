/**
 * Requests the fuzz once failed on (web-routes.test.ts), each as fast-check printed it once shrunk
 * (or cut down by hand to what matters), with what went wrong before its fix. They run on every
 * `npm test`, before the generated ones.
 */
import type { Plan } from '../support/fuzz/plan.js';

export interface Regression {
  name: string;
  plan: Plan;
}

/** A well-formed request to the login page: what each case changes is all that matters in it. */
const plain: Plan = {
  target: 'login',
  method: 'GET',
  citizen: 0,
  token: { from: 'link' },
  purpose: 'request',
  pathEdit: null,
  query: null,
  fields: [],
  body: { type: 'form' },
  contentType: null,
  origin: 'same',
  secFetchSite: null,
  htmx: null,
  address: { kind: 'fresh' },
  prime: null,
  cookies: 'primed',
  cookieEdits: [],
  rawCookie: null,
  headers: [],
};

export const REGRESSIONS: Regression[] = [
  {
    // 500: Hono's parseBody threw (a multipart body without its boundary cannot be parsed). Now 400.
    name: 'a multipart POST without a boundary',
    plan: { ...plain, target: 'code', method: 'POST', body: { type: 'multipart-broken', raw: '', boundary: null } },
  },
  {
    // 500: a link in the legacy format whose run ID is not a UUID reached Temporal, which refused
    // the run ID (INVALID_ARGUMENT). Now the dead-link page (404), without asking Temporal.
    name: 'a legacy-format link whose run ID is not a UUID',
    plan: {
      ...plain,
      target: 'identifier:link',
      token: 'a.------------------------------------.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    },
  },
  {
    name: 'a POST of the link form with a legacy-format link whose run ID is not a UUID',
    plan: {
      ...plain,
      target: 'identifier:link',
      method: 'POST',
      token: '-d-9u-6.7-01--9-11-96fb72b7b0-b-f-4-d01dad-c.a-V_--F5_6v7Xdayl_U_H0-C5-z-_-_--_54_X--v0x',
      prime: { page: 'login', answer: false },
      fields: [
        ['_csrf', { from: 'csrf' }],
        ['secret', 'x'],
        ['code', '1234'],
      ],
    },
  },
  {
    // 500: a security code of four characters but more bytes (Roman numerals) made timingSafeEqual
    // throw (web/captcha/challenge.ts compared lengths in characters). Now a wrong code (422).
    name: 'a security code of four non-ASCII characters',
    plan: {
      ...plain,
      target: 'help',
      method: 'POST',
      prime: { page: 'own', answer: true },
      fields: [
        ['_csrf', { from: 'csrf' }],
        ['nom', '626</textarea><x-fuzz-867>'],
        ['courriel', 'a@b'],
        ['message', 'Bonjour, je ne reçois pas le courriel.'],
        ['code', '\u2160\u2161\u2162\u2163'],
      ],
    },
  },
  {
    // 500: the same in the CSRF check, for a form token as long as the real one with one character
    // replaced by a non-ASCII one. Now refused as any wrong token (403).
    name: 'a form token of the right length with a non-ASCII character',
    plan: {
      ...plain,
      target: 'identifier:request',
      method: 'POST',
      prime: { page: 'own', answer: true },
      fields: [
        ['_csrf', { from: 'csrf', edit: { op: 'replace', at: 5, text: 'é' } }],
        ['numic', { from: 'numic' }],
        ['courriel', { from: 'email' }],
        ['code', { from: 'code' }],
      ],
    },
  },
  {
    // 500: a real link re-written in the legacy format (its own workflow, run and secret) showed the
    // secret form, then its POST sent the legacy `openLink` update to a run of today's type, which
    // has none: the rejection was not mapped (client/legacy-renewals.ts). Now a dead link (404).
    name: 'a real link in the legacy format, submitted',
    plan: {
      ...plain,
      target: 'identifier:link',
      method: 'POST',
      token: { from: 'legacy-of-link' },
      prime: { page: 'own', answer: true },
      fields: [
        ['_csrf', { from: 'csrf' }],
        ['secret', { from: 'password' }],
        ['code', { from: 'code' }],
      ],
    },
  },
];
