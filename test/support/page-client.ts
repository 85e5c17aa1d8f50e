/**
 * A tiny browser for route tests: keeps cookies, sends the Origin a browser would, reads the form
 * token from the last page and the security code through the test hook. Each one comes from its
 * own client address (X-Forwarded-For; the route tests' configuration trusts it), so that tests
 * can play two clients, and never share a per-address limit by accident.
 */
import { randomInt } from 'node:crypto';
import type { Hono } from 'hono';

const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export const ORIGIN = 'http://localhost:13000';

export interface PageResponse {
  res: Response;
  status: number;
  html: string;
  /** The raw body (the spoken code is a WAV file). */
  bytes: Buffer;
  headers: Headers;
}

export class PageClient {
  readonly cookies = new Map<string, string>();
  lastHtml = '';
  /** The last form token a page carried (a page without a form, a 429, keeps the previous one). */
  private lastToken: string | undefined;

  constructor(
    private readonly app: { request: Hono['request'] },
    private readonly env?: unknown,
    /** The site's origin: the real stack's PUBLIC_BASE_URL follows TEST_WEB_PORT. */
    private readonly origin = ORIGIN,
    readonly address = randomAddress(),
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = pair!.split('=');
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value ?? '');
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<PageResponse> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', this.cookieHeader());
    if (!headers.has('X-Forwarded-For')) headers.set('X-Forwarded-For', this.address);
    const res = await this.app.request(`${this.origin}${path}`, { ...init, headers, redirect: 'manual' }, this.env as never);
    this.remember(res);
    const bytes = Buffer.from(await res.arrayBuffer());
    const html = bytes.toString('utf8');
    if (res.headers.get('content-type')?.includes('text/html')) {
      this.lastHtml = html;
      this.lastToken = this.csrfToken(html) ?? this.lastToken;
    }
    return { res, status: res.status, html, bytes, headers: res.headers };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** Posts a form as a browser would: urlencoded, same Origin, with the page's form token. */
  post(path: string, fields: Record<string, string>, options: { htmx?: boolean; origin?: string | null; csrf?: string | null } = {}) {
    const body = new URLSearchParams(fields);
    const token = options.csrf === undefined ? (this.csrfToken() ?? this.lastToken) : options.csrf;
    if (token !== null && token !== undefined && !body.has('_csrf')) body.set('_csrf', token);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (options.origin !== null) headers.Origin = options.origin ?? this.origin;
    if (options.htmx) headers['HX-Request'] = 'true';
    return this.request(path, { method: 'POST', body: body.toString(), headers });
  }

  csrfToken(html = this.lastHtml): string | undefined {
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  }

  /** The current answer of this browser's code for a form, through the test-only hook. */
  async captchaAnswer(purpose: 'request' | 'link' | 'help' | 'login'): Promise<string> {
    const res = await this.app.request(
      `${ORIGIN}/__test/captcha?for=${purpose}`,
      { headers: { Cookie: this.cookieHeader() } },
      this.env as never,
    );
    if (res.status !== 200) throw new Error(`no captcha answer (${res.status})`);
    return ((await res.json()) as { answer: string }).answer;
  }
}

/** The visible text of an HTML fragment, for assertions on copy. */
export const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The main content only (what htmx swaps). */
export const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
