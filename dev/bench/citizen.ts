/**
 * One citizen's browser, without a browser: fetch with a cookie jar, the Origin a browser sends on
 * a POST, the form token read from the last page, the security code read through the test hook,
 * and a client address of its own.
 */
import { CSRF_FIELD } from '../../web/middleware/csrf/index.js';
import { CODE_FIELD } from '../../web/services.js';

export interface Page {
  status: number;
  location: string | null;
  html: string;
}

let citizens = 0;
/**
 * A client address no other citizen of this run has (10.0.0.1, 10.0.0.2...): the web reads it from
 * X-Forwarded-For (the bench stack sets TRUST_PROXY), so per-address limits count each citizen
 * alone, as for citizens on their own connections, instead of all of them as one address.
 */
const nextAddress = () => {
  const n = ++citizens;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

export class HttpCitizen {
  private readonly cookies = new Map<string, string>();
  private lastHtml = '';
  private readonly origin: string;
  readonly address = nextAddress();

  constructor(private readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      // A cookie the server clears (a used security code, an ended session) is gone, as in a browser.
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', this.cookieHeader());
    headers.set('X-Forwarded-For', this.address);
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    this.remember(res);
    const html = await res.text();
    if (res.headers.get('content-type')?.includes('text/html')) this.lastHtml = html;
    return { status: res.status, location: res.headers.get('location'), html };
  }

  get(path: string): Promise<Page> {
    return this.request(path);
  }

  /** A form POST as a browser sends it: urlencoded, same origin, with the page's form token. */
  post(path: string, fields: Record<string, string>): Promise<Page> {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml)?.[1];
    if (!token) throw new Error(`no form token on the page before POST ${path}`);
    const body = new URLSearchParams({ ...fields, [CSRF_FIELD]: token });
    return this.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin },
    });
  }

  /** The browser's current security code for a form, through GET /__test/captcha (CAPTCHA_TEST_HOOK=true). */
  async captcha(purpose: 'request' | 'link'): Promise<Record<string, string>> {
    const headers = { Cookie: this.cookieHeader(), 'X-Forwarded-For': this.address };
    const res = await fetch(`${this.baseUrl}/__test/captcha?for=${purpose}`, { headers });
    if (res.status !== 200) throw new Error(`captcha hook: HTTP ${res.status} (is CAPTCHA_TEST_HOOK on?)`);
    const { answer } = (await res.json()) as { answer: string };
    return { [CODE_FIELD]: answer };
  }
}

/** Fails with what the page was when it is not what the step expects. */
export function expectPage(step: string, page: Page, status: number, location?: string): void {
  if (page.status === status && (location === undefined || page.location === location)) return;
  const title = /<title>([^<]*)<\/title>/.exec(page.html)?.[1]?.trim();
  throw new Error(
    `${step}: HTTP ${page.status}${page.location ? ` → ${page.location}` : ''}${title ? ` « ${title} »` : ''}, expected ${status}${location ? ` → ${location}` : ''}`,
  );
}
