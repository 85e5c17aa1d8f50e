/**
 * What every answer of the web app must be, whatever it was sent: no 5xx, no input reflected
 * unescaped, every HTML page in French (error pages with their French message, from the catalogue
 * in copy/), no stack trace or internal name, and redirects only to the site's own paths.
 */
import { CODE, ERRORS, FORM, LOGIN, NEW_IDENTIFIER, PASSWORD_SENT, deadLink } from '../../../copy/pages.js';
import { DEAD_LINK_REASONS, RENEWAL_KINDS } from '../../../workflows/definitions.js';
import { textOf } from '../page-client.js';
import { RAW_MARKERS } from './nasty.js';

const delays = { linkTtl: '' };
const deadTitles = (reasons: readonly string[]) =>
  RENEWAL_KINDS.flatMap((kind) => reasons.map((reason) => deadLink(kind, reason as (typeof DEAD_LINK_REASONS)[number], delays).title));
const formErrors = Array.from({ length: 8 }, (_, i) => FORM.errorSummaryTitle(i + 1));

/** The French words an HTML answer of each status must carry (one of them), straight from the catalogue. */
export const EXPECTED_COPY: Record<number, string[]> = {
  400: [ERRORS.badRequest.title],
  401: [LOGIN.errors.failed],
  403: [ERRORS.forbidden.title],
  404: [ERRORS.notFound.title, ...deadTitles(['unknown']), CODE.audioUnavailable],
  410: [...deadTitles(DEAD_LINK_REASONS.filter((r) => r !== 'unknown')), NEW_IDENTIFIER.goneTitle, PASSWORD_SENT.goneTitle],
  413: [ERRORS.tooLarge.title],
  422: formErrors,
  429: [ERRORS.tooMany.title, ...formErrors],
};

/** Traces of internals that must never reach a citizen. */
const INTERNALS: [string, RegExp][] = [
  ['a stack frame', /\n\s+at \S|\bat (async )?[\w$.<>]+ \(|\bat file:|node:internal/],
  [
    'an error name',
    /\b(Type|Range|Syntax|Reference|URI|Zod|Mongo\w*|Service|Grpc|WorkflowNotFound|WorkflowUpdateFailed|Csrf\w*|HTTP)Error\b|\bError: /,
  ],
  ['a connection error', /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND/],
  ['a file path', /\/work\/|\/home\/|\/tmp\/|node_modules|\.tsx?:\d+|\.js:\d+/],
  ['an internal name', /\bundefined\b|\[object Object\]|\bNaN\b|temporal\.api|ioredis|zod\b/i],
];

export interface Answer {
  method: string;
  url: string;
  res: Response;
  bytes: Buffer;
  /** What the request carried (field values, path, query): a page may show them back, escaped. */
  sent?: string[];
}

/** Every problem with one answer; empty when it is fine. */
export function problemsOf({ method, url, res, bytes, sent = [] }: Answer): string[] {
  const problems: string[] = [];
  const status = res.status;
  const type = res.headers.get('content-type') ?? '';
  if (status >= 500) problems.push(`status ${status}`);

  const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const marker of RAW_MARKERS) if (headerText.includes(marker)) problems.push(`a raw marker ${JSON.stringify(marker)} in the headers`);
  for (const name of ['location', 'hx-redirect']) {
    const to = res.headers.get(name);
    if (to !== null && (!to.startsWith('/') || to.startsWith('//') || to.includes('\\'))) problems.push(`${name} leaves the site: ${to}`);
  }

  const isText = /^text\/|json|javascript|xml/.test(type);
  if (!isText || method.toUpperCase() === 'HEAD') return problems;
  const body = bytes.toString('utf8');
  for (const marker of RAW_MARKERS) if (body.includes(marker)) problems.push(`the raw marker ${JSON.stringify(marker)} in the body`);
  if (type.includes('text/css') || type.includes('javascript')) return problems; // static assets

  const path = new URL(url).pathname;
  if (type.includes('json')) {
    if (!path.startsWith('/__test/')) problems.push('a JSON answer');
    return problems;
  }
  if (!type.includes('text/html')) {
    problems.push(`an answer of type ${type}`);
    return problems;
  }
  const text = textOf(body);
  // The page's own words: what the request carried, shown back (a textarea's content), taken out.
  let own = text;
  for (const value of sent) {
    const shown = textOf(value.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    if (shown.length >= 2) own = own.split(shown).join(' ');
  }
  for (const [what, pattern] of INTERNALS) {
    const found = pattern.exec(own);
    if (found) problems.push(`${what} in the page: ${JSON.stringify(found[0])}`);
  }
  const fragment = path.startsWith('/code-securite/') && status === 200; // htmx's new code: a fragment of the form
  if (!fragment && !/<html\b[^>]*\slang="fr"[\s>]/.test(body)) problems.push('a page without lang="fr"');
  if (status >= 400) {
    const expected = EXPECTED_COPY[status];
    if (!expected) problems.push(`an unexpected status ${status}`);
    else if (!expected.some((words) => text.includes(words))) problems.push(`a ${status} page without its French message`);
  }
  return problems;
}
