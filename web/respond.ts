/**
 * How pages answer: full HTML documents (htmx picks the main content out of them), never cached,
 * and redirects after a successful POST that work with and without htmx.
 */
import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type Status = 200 | 400 | 401 | 403 | 404 | 410 | 413 | 422 | 429 | 500 | 503;

export const isHtmx = (c: Context) => c.req.header('HX-Request') === 'true';

/** Pages hold form tokens, security codes or personal data: no cache may keep them. */
export function page(c: Context, body: Html, status: Status = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(body, status);
}

/** A 429 also says, in a header, when to come back (the page says it in words). */
export function tooManyRequests(c: Context, body: Html, retryAfterMs: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return page(c, body, 429);
}

/**
 * Post/Redirect/Get. Under htmx a 303 would be followed inside the XHR (and the next page read,
 * e.g. the one-time identifier, swallowed by it), so htmx gets HX-Redirect: a real navigation.
 */
export function redirectAfterPost(c: Context, location: string) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', location);
    c.header('Cache-Control', 'no-store');
    return c.body(null, 200);
  }
  return c.redirect(location, 303);
}
