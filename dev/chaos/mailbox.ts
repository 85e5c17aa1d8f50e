/**
 * Every message the chaos stack's Mailpit holds, through its HTTP API (/api/v1): one poller lists
 * the newest messages while citizens wait (a citizen waits on a change of the mailbox, not on a
 * fixed sleep), reads the link out of each link email, and keeps polling through Mailpit's outage
 * (its database file keeps the messages across the restart). The bench's reader (dev/bench/
 * mailpit.ts) serves one waiter per address and identifier links only; this one also counts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LINK_TOKEN_PATTERN } from '../../codec/link-token.js';
import { LINK_EMAIL_SUBJECT, credentialChangedEmail } from '../../copy/emails.js';
import { RENEWAL_PATHS } from '../../domain/paths.js';
import { RENEWAL_KINDS, type RenewalKind } from '../../workflows/definitions.js';

interface Summary {
  ID: string;
  To: { Address: string }[] | null;
  Subject: string;
  Created: string;
}

export type MailKind = { type: 'link'; kind: RenewalKind } | { type: 'change-notice'; kind: RenewalKind } | { type: 'other' };

export interface MailMessage {
  id: string;
  to: string[];
  subject: string;
  /** Mailpit's reception time, epoch ms. */
  createdAt: number;
  what: MailKind;
  /** The link's token, for a link email. */
  token?: string;
}

const PAGE = 100;

function classify(subject: string): MailKind {
  for (const kind of RENEWAL_KINDS) {
    if (subject === LINK_EMAIL_SUBJECT[kind]) return { type: 'link', kind };
    if (subject === credentialChangedEmail(kind, '').subject) return { type: 'change-notice', kind };
  }
  return { type: 'other' };
}

export class Mailbox {
  private readonly api: string;
  private readonly linkPatterns: Record<RenewalKind, RegExp>;
  private readonly messages = new Map<string, MailMessage>();
  private readonly waiters = new Set<() => void>();
  private polling: Promise<void> | undefined;
  private stopped = false;
  /** Failed polls (Mailpit down), for the report. */
  failedPolls = 0;

  constructor(
    uiPort: number,
    publicBaseUrl: string,
    private readonly pollMs = 250,
  ) {
    this.api = `http://127.0.0.1:${uiPort}/api/v1`;
    const base = publicBaseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.linkPatterns = Object.fromEntries(
      RENEWAL_KINDS.map((kind) => [kind, new RegExp(`${base}${RENEWAL_PATHS[kind].link}/([A-Za-z0-9_-]+)`)]),
    ) as Record<RenewalKind, RegExp>;
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.api}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`Mailpit GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  private async add(summary: Summary): Promise<boolean> {
    if (this.messages.has(summary.ID)) return false;
    const what = classify(summary.Subject);
    let token: string | undefined;
    if (what.type === 'link') {
      const { Text } = await this.get<{ Text: string }>(`/message/${encodeURIComponent(summary.ID)}`);
      const match = this.linkPatterns[what.kind].exec(Text);
      if (!match || !LINK_TOKEN_PATTERN.test(match[1]!)) throw new Error(`link email ${summary.ID} carries no renewal link`);
      token = match[1]!;
    }
    this.messages.set(summary.ID, {
      id: summary.ID,
      to: (summary.To ?? []).map((a) => a.Address.toLowerCase()),
      subject: summary.Subject,
      createdAt: Date.parse(summary.Created),
      what,
      token,
    });
    return true;
  }

  /**
   * Reads the messages not seen yet, newest first, page after page until one holds only known
   * messages (or, with `all`, every page). Throws when Mailpit does not answer.
   */
  async refresh(all = false): Promise<number> {
    let added = 0;
    for (let start = 0; ; start += PAGE) {
      const { messages, total } = await this.get<{ messages: Summary[]; total: number }>(`/messages?start=${start}&limit=${PAGE}`);
      let fresh = 0;
      for (const summary of messages) if (await this.add(summary)) fresh++;
      added += fresh;
      if (messages.length < PAGE || start + PAGE >= total || (!all && fresh === 0)) break;
    }
    if (added > 0) for (const wake of [...this.waiters]) wake();
    return added;
  }

  /** Polls while someone waits, until stop(). */
  private ensurePolling() {
    this.polling ??= (async () => {
      while (!this.stopped && this.waiters.size > 0) {
        await this.refresh().catch(() => this.failedPolls++);
        await sleep(this.pollMs);
      }
    })().finally(() => (this.polling = undefined));
  }

  /** Waits until `find` returns something (checked at each change of the mailbox), or until `deadline` (epoch ms). */
  async waitFor<T>(find: () => T | undefined, deadline: number): Promise<T | undefined> {
    for (;;) {
      const found = find();
      if (found !== undefined || this.stopped || Date.now() >= deadline) return found;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, Math.min(deadline - Date.now(), 5_000)));
        this.waiters.add(done);
        this.ensurePolling();
      });
    }
  }

  /** Messages to `email`, oldest first. */
  to(email: string): MailMessage[] {
    const address = email.toLowerCase();
    return [...this.messages.values()].filter((m) => m.to.includes(address)).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Link emails of this kind to `email`, oldest first. */
  linkEmails(email: string, kind: RenewalKind): MailMessage[] {
    return this.to(email).filter((m) => m.what.type === 'link' && m.what.kind === kind);
  }

  get size(): number {
    return this.messages.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.waiters]) wake();
    await this.polling;
  }
}
