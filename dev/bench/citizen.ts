/**
 * One citizen's browser, without a browser: fetch with a cookie jar, the Origin a browser sends on
 * a POST, the form token read from the last page, the security code read through the test hook.
 */
import { CSRF_FIELD } from '../../web/forms.js';
import { CAPTCHA_FIELD } from '../../web/views/components.js';

export interface Page {
  status: number;
  location: string | null;
  html: string;
}

export class HttpCitizen {
  private readonly cookies = new Map<string, string>();
  private lastHtml = '';
  private readonly origin: string;

  constructor(private readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
  }

  private async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
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

  /** The session's current security code, through GET /__test/captcha (CAPTCHA_TEST_HOOK=true). */
  async captcha(purpose: 'request' | 'link'): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = await fetch(`${this.baseUrl}/__test/captcha?for=${purpose}`, { headers });
    if (res.status !== 200) throw new Error(`captcha hook: HTTP ${res.status} (is CAPTCHA_TEST_HOOK on?)`);
    const { answer } = (await res.json()) as { answer: string };
    return { [CAPTCHA_FIELD]: answer };
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
