/**
 * A citizen's browser for the chaos run: the bench's (dev/bench/citizen.ts: a cookie jar, the
 * Origin and form token a browser sends), with every exchange written to the run's HTTP log with
 * its times, status and page title. A connection refused or cut is status 0: the answer a
 * browser shows as « impossible d'accéder au site ».
 */
import { loggablePath } from '../../domain/paths.js';
import { CODE_FIELD } from '../../web/services.js';
import { HttpCitizen, type Page } from '../bench/citizen.js';

export interface Exchange {
  citizen: number;
  /** What the citizen was doing: "request POST", "link GET"... */
  step: string;
  method: 'GET' | 'POST';
  /** Link tokens are secrets: logged as :token. */
  path: string;
  /** 0: no HTTP answer (connection refused or reset). */
  status: number;
  /** The page's <title>, or the connection error. */
  title?: string;
  startMs: number;
  endMs: number;
}

export class HttpLog {
  readonly exchanges: Exchange[] = [];
  constructor(readonly clock: () => number) {}
}

export interface Answer extends Page {
  /** 0 for a connection error. */
  status: number;
  title: string;
}

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? '';

export class Browser {
  private readonly http: HttpCitizen;

  constructor(
    baseUrl: string,
    private readonly log: HttpLog,
    private readonly citizen: number,
  ) {
    this.http = new HttpCitizen(baseUrl);
  }

  private async exchange(step: string, method: 'GET' | 'POST', path: string, send: () => Promise<Page>): Promise<Answer> {
    const startMs = this.log.clock();
    let answer: Answer;
    try {
      const page = await send();
      answer = { ...page, title: titleOf(page.html) };
    } catch (err) {
      if (!(err instanceof TypeError)) throw err; // fetch's network failures are TypeErrors; anything else is the driver's
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      answer = { status: 0, location: null, html: '', title: cause?.code ?? cause?.message ?? (err as Error).message };
    }
    this.log.exchanges.push({
      citizen: this.citizen,
      step,
      method,
      path: loggablePath(path.split('?')[0]!),
      status: answer.status,
      title: answer.title || undefined,
      startMs: Math.round(startMs),
      endMs: Math.round(this.log.clock()),
    });
    return answer;
  }

  get(step: string, path: string): Promise<Answer> {
    return this.exchange(step, 'GET', path, () => this.http.get(path));
  }

  /** A form POST; the page before it (a GET answered 200) holds the form token. */
  post(step: string, path: string, fields: Record<string, string>): Promise<Answer> {
    return this.exchange(step, 'POST', path, () => this.http.post(path, fields));
  }

  /** The browser's current security code for a form (CAPTCHA_TEST_HOOK), or the failed answer. */
  async code(purpose: 'request' | 'link' | 'login'): Promise<Record<string, string> | Answer> {
    const answer = await this.get('security code (test hook)', `/__test/captcha?for=${purpose}`);
    if (answer.status !== 200) return answer;
    const { answer: digits } = JSON.parse(answer.html) as { answer: string };
    return { [CODE_FIELD]: digits };
  }
}

export const isAnswer = (value: Record<string, string> | Answer): value is Answer => typeof value.status === 'number';
