/**
 * Renewal links from the bench's Mailpit (its HTTP API, /api/v1). One shared poller lists the
 * newest messages for every citizen waiting at once (a request per citizen per poll would load the
 * 2 cores it measures); a citizen not served by it falls back to a search by recipient, which is
 * also how the hold phase finds a link among thousands of messages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LINK_TOKEN_PATTERN } from '../../codec/link-token.js';
import { LINK_EMAIL_SUBJECT } from '../../copy/emails.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';

interface Summary {
  ID: string;
  To: { Address: string }[] | null;
  Subject: string;
}

export interface RenewalLink {
  url: string;
  /** The path the web serves (`/identifiant-perdu/lien/<token>`). */
  path: string;
  token: string;
}

// The bench renews identifiers only.
const LINK_SUBJECT = LINK_EMAIL_SUBJECT.identifier;
const LINK_PATH = `${RENEWAL_PATHS.identifier.link}/`;

export class Mailpit {
  private readonly api: string;
  private readonly linkPattern: RegExp;
  private readonly waiters = new Map<string, { resolve: (link: RenewalLink) => void; reject: (err: Error) => void }>();
  private readonly seen = new Set<string>();
  private polling: Promise<void> | undefined;

  constructor(
    uiPort: number,
    publicBaseUrl: string,
    private readonly pollMs = 25,
  ) {
    this.api = `http://127.0.0.1:${uiPort}/api/v1`;
    const base = publicBaseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.linkPattern = new RegExp(`${base}${LINK_PATH}([A-Za-z0-9_-]+)`);
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.api}${path}`);
    if (!res.ok) throw new Error(`Mailpit GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** Messages stored so far. */
  async count(): Promise<number> {
    return (await this.get<{ total: number }>('/messages?limit=1')).total;
  }

  private async linkIn(id: string): Promise<RenewalLink> {
    const { Text } = await this.get<{ Text: string }>(`/message/${encodeURIComponent(id)}`);
    const match = this.linkPattern.exec(Text);
    if (!match || !LINK_TOKEN_PATTERN.test(match[1]!)) throw new Error(`message ${id} carries no renewal link`);
    return { url: match[0], path: `${LINK_PATH}${match[1]}`, token: match[1]! };
  }

  /** The newest link email to `email`, by search (any number of messages stored). */
  async findLink(email: string): Promise<RenewalLink | undefined> {
    const { messages } = await this.get<{ messages: Summary[] }>(`/search?limit=20&query=${encodeURIComponent(`to:"${email}"`)}`);
    const summary = messages.find((m) => m.Subject === LINK_SUBJECT && (m.To ?? []).some((a) => a.Address.toLowerCase() === email));
    return summary && this.linkIn(summary.ID);
  }

  /** Waits for the link email to `email` (lower case), through the shared poller, then by search. */
  waitForLink(email: string, timeoutMs = 60_000): Promise<RenewalLink> {
    const key = email.toLowerCase();
    if (this.waiters.has(key)) return Promise.reject(new Error(`already waiting for ${email}`));
    const found = new Promise<RenewalLink>((resolve, reject) => this.waiters.set(key, { resolve, reject }));
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    const deadline = Date.now() + timeoutMs;
    let done = false;
    const fallback = (async () => {
      await sleep(2_000);
      while (!done) {
        const link = await this.findLink(key).catch(() => undefined);
        if (link) return this.settle(key, link);
        if (Date.now() >= deadline) return this.fail(key, new Error(`no link email to ${email} after ${timeoutMs} ms`));
        await sleep(1_000);
      }
    })();
    void fallback;
    return found.finally(() => (done = true));
  }

  private settle(key: string, link: RenewalLink) {
    this.waiters.get(key)?.resolve(link);
    this.waiters.delete(key);
  }

  private fail(key: string, err: Error) {
    this.waiters.get(key)?.reject(err);
    this.waiters.delete(key);
  }

  private async poll(): Promise<void> {
    while (this.waiters.size > 0) {
      try {
        const { messages } = await this.get<{ messages: Summary[] }>('/messages?limit=30');
        for (const m of messages) {
          if (this.seen.has(m.ID) || m.Subject !== LINK_SUBJECT) continue;
          const to = (m.To ?? []).map((a) => a.Address.toLowerCase()).find((a) => this.waiters.has(a));
          if (!to) continue;
          this.seen.add(m.ID);
          this.settle(to, await this.linkIn(m.ID));
        }
      } catch {
        // a failed poll is retried; the fallback search still runs
      }
      await sleep(this.pollMs);
    }
  }
}
