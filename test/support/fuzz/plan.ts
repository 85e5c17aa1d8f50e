/**
 * One fuzzed request to the web app, as plain data (so fast-check can shrink it and a failing one
 * can be pasted into regressions.ts as it is printed), and how to send it: optionally prime a
 * browser first (a GET of a form for its cookies and form token, and the security code's answer
 * through the test hook), then send the request built from the plan. Values that only exist at run
 * time (the form token, the code's answer, a real account's NUMIC, a real link token) are named by
 * a reference and may be edited (one character replaced, a suffix added...).
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { sealLinkToken, openLinkToken } from '../../../codec/link-token.js';
import { PATHS, RENEWAL_PATHS } from '../../../domain/paths.js';
import { CODE_PURPOSES } from '../../../web/captcha/challenge.js';
import type { RenewalKind } from '../../../workflows/definitions.js';
import { asHeaderValue, brokenBytes, nasty } from './nasty.js';

// ---------------------------------------------------------------------------------------------
// The plan

export type Ref =
  | 'csrf'
  | 'code'
  | 'code-id'
  | 'numic'
  | 'email'
  | 'identifier'
  | 'password'
  | 'link'
  /** The real link's target in the legacy `<workflow>.<run>.<secret>` format, with its secret or a random one. */
  | 'legacy-of-link'
  | 'legacy-of-link-other-secret'
  /** A token sealed with the real link key for the real run, but with another secret. */
  | 'sealed-other-secret'
  | 'cookie';

export interface Edit {
  op: 'replace' | 'insert' | 'delete' | 'truncate' | 'append' | 'prepend' | 'upper' | 'double';
  at: number;
  text: string;
}

/** A literal, or a run-time value (`from`), possibly edited. */
export type Value = string | { from: Ref; edit?: Edit };

export const TARGETS = [
  'home',
  'login',
  'account',
  'logout',
  'help',
  'help-sent',
  'accessibility',
  'identifier:request',
  'identifier:confirmation',
  'identifier:link',
  'identifier:done',
  'password:request',
  'password:confirmation',
  'password:link',
  'password:done',
  'code',
  'audio',
  'static',
  'unknown',
] as const;
export type Target = (typeof TARGETS)[number];

export type Body =
  | { type: 'form' }
  | { type: 'raw-form'; junk: string }
  | { type: 'multipart'; file?: { field: string; filename: string; content: string } }
  | { type: 'multipart-broken'; raw: string; boundary: string | null }
  | { type: 'json'; operators: boolean }
  | { type: 'text' }
  | { type: 'none' }
  | { type: 'huge'; size: number };

export type Address = { kind: 'fresh' } | { kind: 'hot'; n: number } | { kind: 'header'; value: string };

export interface Plan {
  target: Target;
  method: string;
  /** Which real account and which real link the references name (modulo the pools' sizes). */
  citizen: number;
  token: Value;
  /** The code route's purpose segment (a real one, or anything). */
  purpose: Value;
  /** Extra path: an unknown path's segments, or characters appended to the target's path. */
  pathEdit: null | { kind: 'trailing-slash' | 'double-slash' | 'upper' | 'dot-segment' } | { kind: 'append'; raw: string };
  query: null | string;
  fields: [string, Value][];
  body: Body;
  contentType: null | string;
  origin: 'same' | 'none' | 'foreign' | 'null' | { raw: string };
  secFetchSite: null | string;
  htmx: null | string;
  address: Address;
  /** A GET beforehand from the same browser and address, for cookies and the form token; the code's answer too. */
  prime: null | { page: 'own' | 'login' | 'request' | 'help'; answer: boolean };
  /** The primed browser's cookies are sent (or none), then these are set, replaced or duplicated. */
  cookies: 'primed' | 'none';
  cookieEdits: { name: string; value: Value; duplicate: boolean }[];
  rawCookie: null | string;
  headers: [string, string][];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const KNOWN_FIELDS = ['numic', 'courriel', 'code', '_csrf', '_action', 'nom', 'message', 'identifiant', 'motDePasse', 'secret'];
const JUNK_FIELDS = ['__proto__', 'constructor', 'toString', 'numic[$ne]', 'numic[]', 'courriel[$gt]', '$where', '', '_csrf[]', 'code[0]'];

const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'append', 'prepend', 'upper', 'double'),
  at: fc.nat({ max: 200 }),
  text: fc.oneof(fc.constantFrom('é', '\u0000', 'A', '=', '.', '%', '\uD800', '💥', ' ', '/', '-', '_'), nasty(200)),
});

/** `arb` once in `1 + rest` draws, null otherwise. */
const rarely = <T>(arb: fc.Arbitrary<T>, rest = 4): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: rest, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const ref = (from: Ref, edited = 0.5): fc.Arbitrary<Value> =>
  fc.oneof(
    { weight: Math.round((1 - edited) * 10), arbitrary: fc.constant({ from }) },
    { weight: Math.round(edited * 10), arbitrary: edit.map((e) => ({ from, edit: e })) },
  );

/** Well-formed values, so that some requests pass validation and reach Temporal, the registry or the mailer. */
const validNumic = fc.stringMatching(/^[0-9A-Z]{8,14}$/);
const validEmail = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/), fc.constantFrom('example.org', 'exemple.fr'))
  .map(([l, d]) => `fuzz.${l}@${d}`);
const validText = fc.constantFrom(
  'Jean Dupont',
  'Bonjour, je ne reçois pas le courriel de renouvellement.',
  'K7QM-4WXH-9TPC',
  'Soleil-Marin-2026',
);

const valueFor = (name: string): fc.Arbitrary<Value> => {
  const common = [{ weight: 6, arbitrary: nasty() as fc.Arbitrary<Value> }];
  switch (name) {
    case '_csrf':
      return fc.oneof({ weight: 8, arbitrary: ref('csrf', 0.3) }, ...common);
    case 'code':
      return fc.oneof(
        { weight: 8, arbitrary: ref('code', 0.3) },
        { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{4}$/) },
        { weight: 2, arbitrary: fc.constantFrom('１２３４', '٠١٢٣', ' 1234 ', '12345', '12.4', 'éééé', 'ⅠⅡⅢⅣ', '𝟙𝟚𝟛𝟜') },
        ...common,
      );
    case 'numic':
      return fc.oneof({ weight: 4, arbitrary: ref('numic', 0.3) }, { weight: 4, arbitrary: validNumic }, ...common);
    case 'courriel':
      return fc.oneof({ weight: 4, arbitrary: ref('email', 0.3) }, { weight: 4, arbitrary: validEmail }, ...common);
    case 'identifiant':
      return fc.oneof({ weight: 6, arbitrary: ref('identifier', 0.3) }, ...common);
    case 'motDePasse':
      return fc.oneof({ weight: 6, arbitrary: ref('password', 0.3) }, ...common);
    case 'secret':
      return fc.oneof({ weight: 3, arbitrary: ref('password', 0.3) }, { weight: 3, arbitrary: ref('identifier', 0.3) }, ...common);
    case '_action':
      return fc.oneof({ weight: 4, arbitrary: fc.constant('nouveau-code') }, ...common);
    default:
      return fc.oneof({ weight: 2, arbitrary: validText }, ...common);
  }
};

const field: fc.Arbitrary<[string, Value]> = fc
  .oneof(
    { weight: 9, arbitrary: fc.constantFrom(...KNOWN_FIELDS) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_FIELDS) },
    { weight: 1, arbitrary: nasty(100) },
  )
  .chain((name) => valueFor(name).map((value) => [name, value] as [string, Value]));

/** The fields a target's form has, with the form token and the code first: most requests look like the real form. */
const FORM_FIELDS: Partial<Record<Target, string[]>> = {
  login: ['_csrf', 'identifiant', 'motDePasse', 'code'],
  logout: ['_csrf'],
  help: ['_csrf', 'nom', 'courriel', 'numic', 'message', 'code'],
  'identifier:request': ['_csrf', 'numic', 'courriel', 'code'],
  'password:request': ['_csrf', 'numic', 'courriel', 'code'],
  'identifier:link': ['_csrf', 'secret', 'code'],
  'password:link': ['_csrf', 'secret', 'code'],
  code: ['_csrf'],
};

const RIGHT_VALUES: Record<string, fc.Arbitrary<Value>> = {
  numic: fc.oneof(fc.constant<Value>({ from: 'numic' }), validNumic),
  courriel: fc.oneof(fc.constant<Value>({ from: 'email' }), validEmail),
  identifiant: fc.constant<Value>({ from: 'identifier' }),
  motDePasse: fc.constant<Value>({ from: 'password' }),
  secret: fc.constantFrom<Value>({ from: 'password' }, { from: 'identifier' }),
  nom: fc.constantFrom('Jean Dupont', 'Élodie N’Guyen-Brûlé'),
  message: fc.constantFrom('Bonjour, je ne reçois pas le courriel de renouvellement.', 'Mon NUMIC n’est pas reconnu, que faire ?'),
};

const formFields = (target: Target, faithful = false) => {
  const names = FORM_FIELDS[target] ?? ['_csrf'];
  // A faithful form carries its own token and the code's answer; every other field is half the time
  // a right value (so that forms pass validation and reach what lies behind it), half the time fuzzed.
  const valueOf = (n: string): fc.Arbitrary<Value> => {
    if (!faithful) return valueFor(n);
    if (n === '_csrf')
      return fc.oneof({ weight: 9, arbitrary: fc.constant<Value>({ from: 'csrf' }) }, { weight: 1, arbitrary: valueFor(n) });
    if (n === 'code')
      return fc.oneof({ weight: 7, arbitrary: fc.constant<Value>({ from: 'code' }) }, { weight: 3, arbitrary: valueFor(n) });
    const right = RIGHT_VALUES[n];
    return right ? fc.oneof({ weight: 1, arbitrary: right }, { weight: 1, arbitrary: valueFor(n) }) : valueFor(n);
  };
  const theForm = fc
    .tuple(
      ...names.map((n) => fc.option(valueOf(n), { freq: faithful ? 20 : 8 }).map((v) => (v === null ? [] : [[n, v] as [string, Value]]))),
    )
    .map((parts) => parts.flat());
  return fc
    .tuple(theForm, fc.array(field, { maxLength: faithful ? 1 : 4 }), fc.boolean())
    .map(([own, extra, extraFirst]) => (extraFirst ? [...extra, ...own] : [...own, ...extra]));
};

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ type: 'form' as const }) },
  { weight: 2, arbitrary: brokenBytes.map((junk) => ({ type: 'raw-form' as const, junk })) },
  {
    weight: 2,
    arbitrary: fc
      .option(fc.record({ field: fc.constantFrom('numic', 'code', '_csrf', 'fichier'), filename: nasty(100), content: nasty(500) }), {
        freq: 2,
      })
      .map((file) => ({ type: 'multipart' as const, ...(file ? { file } : {}) })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('multipart-broken' as const),
      raw: fc.oneof(
        nasty(2000),
        fc.constantFrom(
          '--B\r\nContent-Disposition: form-data; name="numic"\r\n\r\n2026000001',
          '--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--',
          '--B\r\n\r\n\r\n--B--\r\n',
          '--B--',
          '--X\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nx\r\n--X--\r\n',
          '--B\r\nContent-Disposition: form-data; name="a"; filename="\u0000"\r\nContent-Type: text/html\r\n\r\n<x-fuzz-1>\r\n--B--\r\n',
        ),
      ),
      boundary: fc.option(fc.constantFrom('B', '', '"B"', 'B; charset=utf-8', '\u00e9', 'x'.repeat(200)), { freq: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.boolean().map((operators) => ({ type: 'json' as const, operators })) },
  { weight: 1, arbitrary: fc.constant({ type: 'text' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'none' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 33 * 1024, max: 256 * 1024 }).map((size) => ({ type: 'huge' as const, size })) },
);

const contentType = rarely(
  fc.oneof(
    fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'APPLICATION/X-WWW-FORM-URLENCODED',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=B',
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'text/html',
      'application/xml',
      'application/octet-stream',
      '',
      'x/y; a="',
      'application/x-www-form-urlencoded, multipart/form-data',
    ),
    nasty(300).map(asHeaderValue),
  ),
  6,
);

const HEADER_NAMES = [
  'Accept',
  'Accept-Language',
  'Accept-Encoding',
  'Content-Encoding',
  'User-Agent',
  'Referer',
  'Host',
  'Forwarded',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-HTTP-Method-Override',
  'X-Requested-With',
  'HX-Current-URL',
  'HX-Target',
  'HX-Boosted',
  'HX-History-Restore-Request',
  'If-None-Match',
  'If-Modified-Since',
  'Range',
  'Authorization',
  'X-Fuzz',
];

const header: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom(...HEADER_NAMES),
  fc.oneof(
    fc.constantFrom(
      'en-US,en;q=0.9',
      'application/json',
      'gzip',
      'br',
      'PUT',
      'DELETE',
      'evil.example',
      'bytes=0-1',
      'XMLHttpRequest',
      '*/*',
    ),
    nasty(2000).map(asHeaderValue),
    fc.integer({ min: 8 * 1024, max: 48 * 1024 }).map((n) => 'H'.repeat(n)), // a huge header
  ),
);

const COOKIE_NAMES = [
  'sid',
  'csrf',
  'code-request',
  'code-link',
  'code-help',
  'code-login',
  '__Host-sid',
  '__Host-csrf',
  '__Host-code-link',
];

const cookieValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: edit.map((e) => ({ from: 'cookie' as const, edit: e })) },
  { weight: 3, arbitrary: nasty(4000) },
  { weight: 2, arbitrary: fc.tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 60 })).map(([a, b]) => `${a}.${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%', '%zz', '"', '""', 'a.', '.a', 'x'.repeat(20_000)) },
);

const cookieEdit = fc.record({
  name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...COOKIE_NAMES) }, { weight: 1, arbitrary: nasty(50) }),
  value: cookieValue,
  duplicate: fc.boolean(),
});

const address: fc.Arbitrary<Address> = fc.oneof(
  { weight: 16, arbitrary: fc.constant({ kind: 'fresh' as const }) },
  { weight: 3, arbitrary: fc.nat({ max: 2 }).map((n) => ({ kind: 'hot' as const, n })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(nasty(3000), fc.constantFrom('', ',', ' , ', 'unknown', '::1', '127.0.0.1, 10.0.0.1', '999.999.999.999'))
      .map((value) => ({ kind: 'header' as const, value })),
  },
);

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'get', 'post'];
/** What a GET may aim at: every target but logout and the code's refresh, which only answer a POST. */
const GET_TARGETS: Target[] = TARGETS.filter((t) => t !== 'logout' && t !== 'code');
const POST_TARGETS: Target[] = [
  'login',
  'logout',
  'help',
  'identifier:request',
  'password:request',
  'identifier:link',
  'password:link',
  'code',
];

/** The method the target's route answers, usually; sometimes another one. */
const methodFor = (target: Target) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(POST_TARGETS.includes(target) && !GET_TARGETS.includes(target) ? 'POST' : 'GET') },
    { weight: POST_TARGETS.includes(target) ? 10 : 0, arbitrary: fc.constant('POST') },
    { weight: 3, arbitrary: fc.constantFrom(...METHODS) },
  );

const token: fc.Arbitrary<Value> = fc.oneof(
  { weight: 6, arbitrary: ref('link', 0.5) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Value>({ from: 'legacy-of-link' }, { from: 'legacy-of-link-other-secret' }, { from: 'sealed-other-secret' }),
  },
  { weight: 1, arbitrary: ref('legacy-of-link-other-secret', 1) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[a-z0-9-]{1,80}$/), fc.stringMatching(/^[0-9a-f-]{36}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
      .map(([w, r, s]) => `${w}.${r}.${s}`), // the legacy format, made up
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{124}$/) }, // the sealed format, made up
  { weight: 3, arbitrary: nasty(3000) },
);

const purpose: fc.Arbitrary<Value> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...CODE_PURPOSES) },
  { weight: 2, arbitrary: nasty(200) },
);

const pathEdit = rarely(
  fc.oneof(
    fc.constantFrom(
      { kind: 'trailing-slash' as const },
      { kind: 'double-slash' as const },
      { kind: 'upper' as const },
      { kind: 'dot-segment' as const },
    ),
    fc.oneof(brokenBytes, nasty(500)).map((raw) => ({ kind: 'append' as const, raw })),
  ),
  6,
);

const query = rarely(fc.oneof(brokenBytes, nasty(2000), fc.constantFrom('c=', 'for=link', 'c[]=1&c[]=2', 'c=%zz', '__proto__[x]=1')), 5);

/** Anything goes: methods, bodies, content types, origins, cookies and headers, all fuzzed. */
const wildPlan = (target: Target): fc.Arbitrary<Plan> =>
  fc.record({
    target: fc.constant(target),
    method: methodFor(target),
    citizen: fc.nat({ max: 100 }),
    token,
    purpose,
    pathEdit,
    query,
    fields: formFields(target),
    body,
    contentType,
    origin: fc.oneof(
      { weight: 12, arbitrary: fc.constant('same' as const) },
      { weight: 1, arbitrary: fc.constantFrom('none' as const, 'foreign' as const, 'null' as const) },
      { weight: 1, arbitrary: nasty(300).map((raw) => ({ raw: asHeaderValue(raw) })) },
    ),
    secFetchSite: rarely(fc.oneof(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'), nasty(50).map(asHeaderValue)), 8),
    htmx: rarely(fc.oneof(fc.constant('true'), nasty(50).map(asHeaderValue)), 2),
    address,
    prime: fc.option(
      fc.record({ page: fc.constantFrom('own' as const, 'login' as const, 'request' as const, 'help' as const), answer: fc.boolean() }),
      { freq: 6 },
    ),
    cookies: fc.constantFrom('primed' as const, 'primed' as const, 'primed' as const, 'none' as const),
    cookieEdits: fc.array(cookieEdit, { maxLength: 3 }),
    rawCookie: rarely(fc.oneof(nasty(5000), fc.constantFrom('sid', '=', ';;;', 'a=b; a=c', 'sid=%zz; csrf=%E9')).map(asHeaderValue), 10),
    headers: fc.array(header, { maxLength: 3 }),
  });

/**
 * What a browser sends, with only the fields' values fuzzed: the form primed from its own page,
 * its token and the code's answer, so that the values reach validation, the limits and what lies
 * behind them (Temporal, the registry, the mailer).
 */
const faithfulPlan = (target: Target): fc.Arbitrary<Plan> =>
  fc.record({
    target: fc.constant(target),
    method: fc.constant(POST_TARGETS.includes(target) ? 'POST' : 'GET'),
    citizen: fc.nat({ max: 100 }),
    token: fc.oneof({ weight: 3, arbitrary: fc.constant<Value>({ from: 'link' }) }, { weight: 1, arbitrary: token }),
    purpose: fc.constantFrom(...CODE_PURPOSES),
    pathEdit: fc.constant(null),
    query: fc.constant(null),
    fields: formFields(target, true),
    body: fc.oneof(
      { weight: 9, arbitrary: fc.constant<Body>({ type: 'form' }) },
      { weight: 1, arbitrary: fc.constant<Body>({ type: 'multipart' }) },
    ),
    contentType: fc.constant(null),
    origin: fc.constant('same' as const),
    secFetchSite: fc.constantFrom(null, 'same-origin'),
    htmx: fc.constantFrom(null, 'true'),
    // A few clients come back often: their limits are reached, and the refusals are part of the run.
    address: fc.oneof(
      { weight: 7, arbitrary: fc.constant<Address>({ kind: 'fresh' }) },
      { weight: 2, arbitrary: fc.nat({ max: 2 }).map((n): Address => ({ kind: 'hot', n })) },
      { weight: 1, arbitrary: address },
    ),
    prime: fc.constant({ page: 'own' as const, answer: true }),
    cookies: fc.constant('primed' as const),
    cookieEdits: fc.constant<Plan['cookieEdits']>([]),
    rawCookie: fc.constant(null),
    headers: fc.oneof(
      { weight: 9, arbitrary: fc.constant<Plan['headers']>([]) },
      { weight: 1, arbitrary: fc.array(header, { maxLength: 1 }) },
    ),
  });

export const planArbitrary: fc.Arbitrary<Plan> = fc
  .constantFrom(...TARGETS)
  .chain((target) => fc.oneof({ weight: 1, arbitrary: wildPlan(target) }, { weight: 1, arbitrary: faithfulPlan(target) }));

// ---------------------------------------------------------------------------------------------
// Running a plan

export interface Citizen {
  numic: string;
  email: string;
  identifier: string;
  password: string;
}

export interface World {
  app: { request: Hono['request'] };
  /** The app's public origin (PUBLIC_BASE_URL): the Origin a browser sends. */
  origin: string;
  citizens: Citizen[];
  /** Real links emailed by real renewals, with the account each belongs to. */
  links: Record<RenewalKind, { token: string; owner: Citizen }[]>;
  linkKey: Buffer;
}

export interface Sent {
  /** What was sent, for the failure's message. */
  request: { method: string; url: string; headers: Record<string, string>; bodyBytes: number };
  res: Response;
  bytes: Buffer;
  /** The responses of the priming requests and of a redirect followed, checked like the fuzzed one. */
  primed: { url: string; res: Response; bytes: Buffer }[];
  /** Every value the request carried, resolved: a page may show some back (escaped). */
  sent: string[];
}

const HOT_ADDRESSES = ['192.0.2.10', '192.0.2.11', '192.0.2.12'];
const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Percent-encodes a string's UTF-8 bytes (lone surrogates become U+FFFD), keeping `%`-escapes already in it when asked. */
function pathText(raw: string): string {
  let out = '';
  for (const ch of raw) {
    const code = ch.charCodeAt(0);
    if (/^[A-Za-z0-9._~!$&'()*+,;=:@-]$/.test(ch) || ch === '%') out += ch;
    else if (code >= 0x80 && code <= 0xff && ch.length === 1)
      out += `%${code.toString(16).toUpperCase()}`; // a raw byte (brokenBytes)
    else out += [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

export function applyEdit(base: string, edit: Edit | undefined): string {
  if (!edit) return base;
  const at = base.length === 0 ? 0 : edit.at % (base.length + 1);
  switch (edit.op) {
    case 'replace':
      return base.slice(0, at) + edit.text + base.slice(at + 1);
    case 'insert':
      return base.slice(0, at) + edit.text + base.slice(at);
    case 'delete':
      return base.slice(0, at) + base.slice(at + 1);
    case 'truncate':
      return base.slice(0, at);
    case 'append':
      return base + edit.text;
    case 'prepend':
      return edit.text + base;
    case 'upper':
      return base.toUpperCase();
    case 'double':
      return base + base;
  }
}

class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  answer = '';
  codeId = '';
  constructor(readonly address: string | undefined) {}

  remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (attributes.some((a) => /max-age=0/i.test(a.trim()))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const ownPage = (plan: Plan, token: string): string => {
  switch (plan.target) {
    case 'identifier:link':
    case 'password:link':
      return `${RENEWAL_PATHS[plan.target.split(':')[0] as RenewalKind].link}/${pathText(token)}`;
    case 'identifier:request':
    case 'identifier:confirmation':
    case 'identifier:done':
      return RENEWAL_PATHS.identifier.request;
    case 'password:request':
    case 'password:confirmation':
    case 'password:done':
      return RENEWAL_PATHS.password.request;
    case 'help':
    case 'help-sent':
      return PATHS.help;
    default:
      return PATHS.login;
  }
};

const purposeOf = (plan: Plan, primedPage: string): string => {
  if (primedPage.includes('/lien/')) return 'link';
  if (primedPage === PATHS.help) return 'help';
  if (primedPage === PATHS.login) return 'login';
  if (plan.target === 'code' || plan.target === 'audio') return typeof plan.purpose === 'string' ? plan.purpose : 'request';
  return 'request';
};

/** The path of the target, before the plan's edits. */
function targetPath(plan: Plan, token: string, purpose: string): string {
  switch (plan.target) {
    case 'home':
      return PATHS.home;
    case 'login':
      return PATHS.login;
    case 'account':
      return PATHS.account;
    case 'logout':
      return PATHS.logout;
    case 'help':
      return PATHS.help;
    case 'help-sent':
      return PATHS.helpSent;
    case 'accessibility':
      return PATHS.accessibility;
    case 'code':
      return `${PATHS.captcha}/${pathText(purpose)}`;
    case 'audio':
      return `${PATHS.captcha}/${pathText(purpose)}/audio`;
    case 'static':
      return '/static/app/app.css';
    case 'unknown':
      return '/';
    default: {
      const [kind, screen] = plan.target.split(':') as [RenewalKind, 'request' | 'confirmation' | 'link' | 'done'];
      return screen === 'link' ? `${RENEWAL_PATHS[kind].link}/${pathText(token)}` : RENEWAL_PATHS[kind][screen];
    }
  }
}

function editPath(path: string, plan: Plan): string {
  const e = plan.pathEdit;
  if (!e) return path;
  switch (e.kind) {
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slash':
      return `/${path}`.replace(/^\/\/+/, '//x/..//');
    case 'upper':
      return path.toUpperCase();
    case 'dot-segment':
      return `${path}/../${path.split('/').pop()}`;
    case 'append':
      return `${path}${path.endsWith('/') ? '' : '/'}${pathText(e.raw)}`;
  }
}

export async function runPlan(world: World, plan: Plan): Promise<Sent> {
  const address =
    plan.address.kind === 'fresh'
      ? freshAddress()
      : plan.address.kind === 'hot'
        ? HOT_ADDRESSES[plan.address.n % HOT_ADDRESSES.length]
        : undefined;
  const xff = plan.address.kind === 'header' ? asHeaderValue(plan.address.value) : address!;
  const browser = new Browser(address);
  const citizen = world.citizens[plan.citizen % world.citizens.length]!;
  const kind: RenewalKind = plan.target.startsWith('password') ? 'password' : 'identifier';
  const realLinks = world.links[kind];
  const { token: realLink, owner } = realLinks[plan.citizen % realLinks.length]!;
  // On a link's page, the secret is often its owner's (so that some renewals complete).
  const secretHolder = plan.target.endsWith(':link') && plan.citizen % 2 === 0 ? owner : citizen;
  const primed: Sent['primed'] = [];

  const send = async (url: string, init: RequestInit) => {
    const res = await world.app.request(url, { ...init, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes };
  };

  const baseOf = (from: Ref): string => {
    switch (from) {
      case 'csrf':
        return browser.csrf;
      case 'code':
        return browser.answer;
      case 'code-id':
        return browser.codeId;
      case 'numic':
        return citizen.numic;
      case 'email':
        return citizen.email;
      case 'identifier':
        return secretHolder.identifier;
      case 'password':
        return secretHolder.password;
      case 'link':
        return realLink;
      case 'legacy-of-link':
      case 'legacy-of-link-other-secret':
      case 'sealed-other-secret': {
        const target = openLinkToken(world.linkKey, realLink)!;
        const secret = from === 'legacy-of-link' ? target.secret : Buffer.alloc(32, plan.citizen).toString('base64url');
        if (from === 'sealed-other-secret') return sealLinkToken(world.linkKey, { ...target, secret });
        return `${target.workflowId}.${target.runId}.${secret}`;
      }
      case 'cookie':
        return [...browser.cookies.values()][plan.citizen % Math.max(1, browser.cookies.size)] ?? '';
    }
  };
  const resolve = (value: Value): string => (typeof value === 'string' ? value : applyEdit(baseOf(value.from), value.edit));

  // 1. Prime: the form's page, then the code's answer.
  const token = resolve(plan.token);
  if (plan.prime) {
    const page =
      plan.prime.page === 'own'
        ? ownPage(plan, token)
        : plan.prime.page === 'login'
          ? PATHS.login
          : plan.prime.page === 'help'
            ? PATHS.help
            : RENEWAL_PATHS[kind].request;
    const url = `${world.origin}${page}`;
    const { res, bytes } = await send(url, { headers: { 'X-Forwarded-For': xff } });
    browser.remember(res);
    primed.push({ url, res, bytes });
    const html = bytes.toString('utf8');
    browser.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    browser.codeId = /[?&](?:amp;)?c=([A-Za-z0-9_-]+)/.exec(html)?.[1] ?? '';
    if (plan.prime.answer) {
      const hook = `${world.origin}/__test/captcha?for=${purposeOf(plan, page)}`;
      const answer = await send(hook, { headers: { Cookie: browser.cookieHeader() } });
      if (answer.res.status === 200) browser.answer = (JSON.parse(answer.bytes.toString('utf8')) as { answer: string }).answer;
    }
  }

  // 2. The request itself.
  const purpose = resolve(plan.purpose);
  let path = editPath(targetPath(plan, token, purpose), plan);
  if (plan.target === 'unknown' && !plan.pathEdit) path = `/${pathText(token)}`;
  let search = plan.query === null ? '' : `?${pathText(plan.query)}`;
  if (plan.target === 'audio' && plan.query === null) search = `?c=${browser.codeId}`;
  const url = `${world.origin}${path}${search}`;

  const headers = new Headers();
  headers.set('X-Forwarded-For', xff);
  const origin =
    plan.origin === 'same'
      ? world.origin
      : plan.origin === 'none'
        ? undefined
        : plan.origin === 'foreign'
          ? 'https://evil.example'
          : plan.origin === 'null'
            ? 'null'
            : plan.origin.raw;
  if (origin !== undefined) headers.set('Origin', origin);
  if (plan.secFetchSite !== null) headers.set('Sec-Fetch-Site', plan.secFetchSite);
  if (plan.htmx !== null) headers.set('HX-Request', plan.htmx);
  for (const [name, value] of plan.headers) headers.append(name, value);

  const jar = plan.cookies === 'primed' ? new Map(browser.cookies) : new Map<string, string>();
  const duplicates: string[] = [];
  for (const e of plan.cookieEdits) {
    const value = resolve(e.value);
    if (e.duplicate) duplicates.push(`${e.name}=${value}`);
    else jar.set(e.name, value);
  }
  const cookie = [...[...jar].map(([k, v]) => `${k}=${v}`), ...duplicates, ...(plan.rawCookie === null ? [] : [plan.rawCookie])].join('; ');
  if (cookie) headers.set('Cookie', asHeaderValue(cookie));

  const fields = plan.fields.map(([name, value]) => [name, resolve(value)] as [string, string]);
  const method = plan.method;
  let body: BodyInit | undefined;
  const withBody = !['GET', 'HEAD', 'get', 'head'].includes(method);
  if (withBody) {
    switch (plan.body.type) {
      case 'form':
        body = new URLSearchParams(fields).toString();
        headers.set('Content-Type', 'application/x-www-form-urlencoded');
        break;
      case 'raw-form':
        body = Buffer.from(`${plan.body.junk}&${new URLSearchParams(fields).toString()}&${plan.body.junk}`, 'latin1');
        headers.set('Content-Type', 'application/x-www-form-urlencoded');
        break;
      case 'multipart': {
        const form = new FormData();
        for (const [name, value] of fields) form.append(name, value);
        if (plan.body.file)
          form.append(plan.body.file.field, new Blob([plan.body.file.content], { type: 'text/html' }), plan.body.file.filename);
        const encoded = new Request('http://x/', { method: 'POST', body: form });
        headers.set('Content-Type', encoded.headers.get('Content-Type')!);
        body = Buffer.from(await encoded.arrayBuffer());
        break;
      }
      case 'multipart-broken':
        headers.set(
          'Content-Type',
          plan.body.boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${asHeaderValue(plan.body.boundary)}`,
        );
        body = Buffer.from(plan.body.raw, 'utf8');
        break;
      case 'json': {
        const object: Record<string, unknown> = Object.fromEntries(fields);
        if (plan.body.operators) for (const name of Object.keys(object)) if (name !== '_csrf') object[name] = { $gt: '', $ne: null };
        body = JSON.stringify(object);
        headers.set('Content-Type', 'application/json');
        break;
      }
      case 'text':
        body = fields.map(([k, v]) => `${k}=${v}`).join('\n');
        headers.set('Content-Type', 'text/plain');
        break;
      case 'none':
        break;
      case 'huge':
        body = `_csrf=${encodeURIComponent(browser.csrf)}&message=${'A'.repeat(plan.body.size)}`;
        headers.set('Content-Type', 'application/x-www-form-urlencoded');
        break;
    }
    if (plan.contentType !== null) {
      if (plan.contentType === '') headers.delete('Content-Type');
      else headers.set('Content-Type', plan.contentType);
    }
  }

  const { res, bytes } = await send(url, { method, headers, body });

  // 3. A redirect is followed, as a browser would, with the cookies it just set (a new session, say).
  const location = res.headers.get('location') ?? res.headers.get('hx-redirect');
  if (location?.startsWith('/') && !location.startsWith('//')) {
    const after = new Browser(address);
    for (const [k, v] of jar) after.cookies.set(k, v);
    after.remember(res);
    const next = `${world.origin}${location}`;
    const followed = await send(next, { headers: { 'X-Forwarded-For': xff, Cookie: asHeaderValue(after.cookieHeader()) } });
    primed.push({ url: next, ...followed });
  }
  const bodyBytes = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : (body as Buffer).length;
  const shownHeaders = Object.fromEntries(
    [...headers].map(([k, v]) => [k, v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v]),
  );
  const sent = [token, purpose, ...(plan.query === null ? [] : [plan.query]), ...fields.flatMap(([k, v]) => [k, v])];
  return {
    request: { method, url: url.length > 300 ? `${url.slice(0, 300)}… (${url.length} chars)` : url, headers: shownHeaders, bodyBytes },
    res,
    bytes,
    primed,
    sent,
  };
}
