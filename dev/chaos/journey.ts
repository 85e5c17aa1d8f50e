/**
 * One citizen's renewal through the real pages, the way a person goes about it while things break:
 * an error page (5xx) or a site that does not answer is reloaded after a while, again and again,
 * waiting a little longer each time; the link is the one of the newest email; a link page that
 * says « remplacé » means a newer email is coming. When the answer to the final step is lost (the
 * change happened, the page with the new identifier never came), the citizen starts again, as
 * the dead-link page offers; for a password the SMS brings it anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SMS } from '../../copy/emails.js';
import { ERRORS, LINK, deadLink } from '../../copy/pages.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { SECRET_FIELD } from '../../web/views/link.js';
import { DEAD_LINK_REASONS, type DeadLinkReason, type RenewalKind } from '../../workflows/definitions.js';
import { Browser, isAnswer, type Answer, type HttpLog } from './browser.js';
import type { Mailbox } from './mailbox.js';
import type { SmsGateway } from './sms-gateway.js';

export interface ChaosCitizen {
  index: number;
  numic: string;
  email: string;
  phone: string;
  /** The credentials the citizen holds now: updated as renewals complete. */
  identifier: string;
  password: string;
}

export interface JourneyContext {
  baseUrl: string;
  log: HttpLog;
  mailbox: Mailbox;
  sms: SmsGateway;
  /** How long a renewal may take, from its first request, before the citizen gives up. */
  patienceMs: number;
  signal: AbortSignal;
}

export interface JourneyResult {
  index: number;
  kind: RenewalKind;
  outcome: 'completed' | 'failed';
  error?: string;
  /** Renewals the citizen started: 1, more when a change happened without its page being seen. */
  starts: number;
  /** Request POSTs sent (any of them may have reached the workflow, even one answered 5xx). */
  requestPosts: number;
  /** Changes made whose result page the citizen never saw. */
  notShown: number;
  /** Answers 5xx or no answer, each followed by a retry. */
  retried: number;
  /** What the pages showed, in order (identifier renewals). */
  identifiersShown: string[];
  /** What the SMS brought, in order (password renewals). */
  passwordsReceived: string[];
  /** Credentials the citizen held before, all of which must be refused now. */
  oldIdentifiers: string[];
  oldPasswords: string[];
  startMs: number;
  endMs?: number;
}

const PATHS = RENEWAL_PATHS;
const NEW_IDENTIFIER = /id="nouvel-identifiant"[^>]*>\s*([^<\s]+)\s*</;
const MAX_STARTS = 3;
const RETRY = Symbol('retry');
type Retry = typeof RETRY;

/** The new password inside its SMS (copy/emails.ts), whatever the words around it. */
const [PASSWORD_BEFORE, PASSWORD_AFTER] = SMS.newPassword('\u0000').split('\u0000') as [string, string];
export const passwordInSms = (text: string): string | undefined =>
  text.startsWith(PASSWORD_BEFORE) && text.endsWith(PASSWORD_AFTER)
    ? text.slice(PASSWORD_BEFORE.length, text.length - PASSWORD_AFTER.length)
    : undefined;

/** An answer a person retries: an error page of the server side, or no answer at all. */
export const isTransient = (a: Answer) => a.status === 0 || a.status >= 500;
/** « Service momentanément indisponible », or a submission's « en cours de traitement »: both say a dependency is slow or down. */
export const isUnavailablePage = (a: { status: number; html?: string; title?: string }) =>
  a.status === 503 && [ERRORS.unavailable.title, LINK.inProgress.title].some((title) => (a.title ?? '').includes(title));
export const isPendingLinkPage = (a: { status: number; title?: string }) =>
  a.status === 503 && (a.title ?? '').includes(LINK.pending.title);

function deadReason(kind: RenewalKind, a: Answer): DeadLinkReason | undefined {
  if (a.status !== 404 && a.status !== 410) return undefined;
  return DEAD_LINK_REASONS.find((reason) => a.html.includes(deadLink(kind, reason, { linkTtl: '' }).title));
}

class GaveUp extends Error {}

export class Journey {
  private readonly result: JourneyResult;
  private readonly deadline: number;
  private readonly paths: (typeof PATHS)[RenewalKind];
  /** SMS with a new password already taken into account. */
  private passwordsSeen = 0;

  constructor(
    private readonly ctx: JourneyContext,
    private readonly citizen: ChaosCitizen,
    private readonly kind: RenewalKind,
    private readonly readMs: number,
  ) {
    this.paths = PATHS[kind];
    this.deadline = Date.now() + ctx.patienceMs;
    this.result = {
      index: citizen.index,
      kind,
      outcome: 'failed',
      starts: 0,
      requestPosts: 0,
      notShown: 0,
      retried: 0,
      identifiersShown: [],
      passwordsReceived: [],
      oldIdentifiers: [],
      oldPasswords: [],
      startMs: Math.round(ctx.log.clock()),
    };
  }

  async run(): Promise<JourneyResult> {
    try {
      for (let start = 1; start <= MAX_STARTS; start++) {
        this.result.starts = start;
        const browser = new Browser(this.ctx.baseUrl, this.ctx.log, this.citizen.index);
        const requestedAt = Date.now();
        await this.request(browser);
        const shown = await this.useLink(browser, requestedAt);
        if (shown) {
          this.result.outcome = 'completed';
          break;
        }
        this.result.notShown++;
        if (this.kind === 'password') {
          // The page was lost, the password was not: it comes by SMS.
          await this.receivePassword();
          this.result.outcome = 'completed';
          break;
        }
      }
      if (this.result.outcome !== 'completed') throw new GaveUp(`no identifier shown after ${MAX_STARTS} renewals`);
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.result.error = (err as Error).message;
    }
    this.result.endMs = Math.round(this.ctx.log.clock());
    return this.result;
  }

  /** Tries `attempt` until it gives an answer, waiting longer after each retry (0.5 s, 1 s, 2 s, then 4 s). */
  private async persist<T>(what: string, attempt: () => Promise<T | Retry>): Promise<T> {
    for (let tries = 0; ; tries++) {
      const outcome = await attempt();
      if (outcome !== RETRY) return outcome;
      this.result.retried++;
      const wait = Math.min(4_000, 500 * 2 ** tries);
      if (Date.now() + wait > this.deadline) throw new GaveUp(`${what}: still failing after ${tries + 1} tries`);
      await sleep(wait, undefined, { signal: this.ctx.signal });
    }
  }

  private fail(step: string, a: Answer): never {
    throw new Error(`${step}: HTTP ${a.status}${a.location ? ` → ${a.location}` : ''}${a.title ? ` « ${a.title} »` : ''}`);
  }

  /** Screens 2 and 3: the form, its security code, the request, the confirmation. */
  private async request(browser: Browser): Promise<void> {
    const { numic, email } = this.citizen;
    await this.persist('request', async () => {
      const form = await browser.get('form GET', this.paths.request);
      if (isTransient(form)) return RETRY;
      if (form.status !== 200) this.fail('form GET', form);
      const code = await browser.code('request');
      if (isAnswer(code)) return isTransient(code) ? RETRY : this.fail('security code', code);
      const posted = await browser.post('request POST', this.paths.request, { numic, courriel: email, ...code });
      this.result.requestPosts++;
      if (isTransient(posted)) return RETRY;
      if (posted.status !== 303 || posted.location !== this.paths.confirmation) this.fail('request POST', posted);
      return true;
    });
    await this.persist('confirmation', async () => {
      const page = await browser.get('confirmation GET', this.paths.confirmation);
      if (isTransient(page)) return RETRY;
      if (page.status !== 200) this.fail('confirmation GET', page);
      return true;
    });
  }

  /** The newest link email of this kind not known dead, arrived after `since` (epoch ms, Mailpit's clock). */
  private async nextLink(since: number, dead: Set<string>): Promise<string> {
    const { mailbox } = this.ctx;
    const link = await mailbox.waitFor(() => {
      const links = mailbox.linkEmails(this.citizen.email, this.kind).filter((m) => m.createdAt >= since - 2_000 && !dead.has(m.token!));
      return links.at(-1)?.token;
    }, this.deadline);
    if (!link) throw new GaveUp(`no link email (${dead.size} dead ones) within ${Math.round(this.ctx.patienceMs / 1000)} s`);
    await sleep(this.readMs, undefined, { signal: this.ctx.signal });
    return link;
  }

  /**
   * Screens 5 and 6: the link, the secret, the result. True when the result page was seen; false
   * when the change was made but its answer lost (the link is then « déjà utilisé »).
   */
  private async useLink(browser: Browser, requestedAt: number): Promise<boolean> {
    const dead = new Set<string>();
    const secret = this.kind === 'identifier' ? this.citizen.password : this.citizen.identifier;
    let submitted = false;
    for (;;) {
      const token = await this.nextLink(requestedAt, dead);
      const path = `${this.paths.link}/${token}`;
      const outcome = await this.persist('link', async (): Promise<'shown' | 'lost' | 'dead' | Retry> => {
        const page = await browser.get('link GET', path);
        if (isTransient(page)) return RETRY; // the pending page (503) included: « patientez »
        // A submission of this browser's that was in progress has gone through: its result.
        if (submitted && page.status === 303 && page.location === this.paths.done) return (await this.result6(browser)) ? 'shown' : 'lost';
        const reason = deadReason(this.kind, page);
        if (reason === 'already-used' && submitted) return 'lost';
        if (reason === 'superseded') return 'dead';
        if (page.status !== 200) this.fail('link GET', page);
        const code = await browser.code('link');
        if (isAnswer(code)) return isTransient(code) ? RETRY : this.fail('security code', code);
        const posted = await browser.post('secret POST', path, { [SECRET_FIELD]: secret, ...code });
        if (isTransient(posted)) {
          submitted = true; // it may have gone through (« en cours de traitement »): the link page says so next time
          return RETRY;
        }
        const postReason = deadReason(this.kind, posted);
        if (postReason === 'superseded') return 'dead';
        if (postReason === 'already-used' && submitted) return 'lost';
        if (posted.status !== 303 || posted.location !== this.paths.done) this.fail('secret POST', posted);
        return (await this.result6(browser)) ? 'shown' : 'lost';
      });
      if (outcome === 'dead') {
        dead.add(token);
        continue;
      }
      return outcome === 'shown';
    }
  }

  /** Screen 6, shown once; false when it is gone before the citizen saw it (its answer was lost). */
  private async result6(browser: Browser): Promise<boolean> {
    const page = await this.persist('result page', async () => {
      const answer = await browser.get('result GET', this.paths.done);
      return isTransient(answer) ? RETRY : answer;
    });
    if (page.status === 410) return false;
    if (page.status !== 200) this.fail('result GET', page);
    if (this.kind === 'identifier') {
      const identifier = NEW_IDENTIFIER.exec(page.html)?.[1];
      if (!identifier) throw new Error('the result page shows no identifier');
      if (identifier === this.citizen.identifier) throw new Error('the result page shows the old identifier');
      this.result.identifiersShown.push(identifier);
      this.result.oldIdentifiers.push(this.citizen.identifier);
      this.citizen.identifier = identifier;
    } else {
      await this.receivePassword();
    }
    return true;
  }

  /** The SMS with the new password (the gateway's records: the citizen's phone). */
  private async receivePassword(): Promise<void> {
    const { sms } = this.ctx;
    for (;;) {
      const texts = sms
        .deliveredTo(this.citizen.phone)
        .map((m) => passwordInSms(m.text))
        .filter((p): p is string => p !== undefined);
      const fresh = texts[this.passwordsSeen];
      if (fresh !== undefined) {
        this.passwordsSeen++;
        this.result.passwordsReceived.push(fresh);
        this.result.oldPasswords.push(this.citizen.password);
        this.citizen.password = fresh;
        return;
      }
      if (Date.now() >= this.deadline) throw new GaveUp('no SMS with the new password');
      await sms.nextDelivery(Math.min(5_000, this.deadline - Date.now()));
      this.ctx.signal.throwIfAborted();
    }
  }
}
