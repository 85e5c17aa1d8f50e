/**
 * The links a renewal has emailed, by hash only, and the rolling window of emails sent.
 * Pure and deterministic: the workflow passes the time in.
 */
export interface LinkRecord {
  hash: string;
  sentAt: number;
  expiresAt: number;
}

export class LinkLedger {
  private readonly links: LinkRecord[] = [];
  private readonly sendTimes: number[] = [];

  constructor(
    private readonly maxEmailsPerWindow: number,
    private readonly windowMs = 3_600_000,
  ) {}

  get current(): LinkRecord | undefined {
    return this.links[this.links.length - 1];
  }

  get sentCount(): number {
    return this.links.length;
  }

  /**
   * Whether another email may go out now, and reserves its slot when it may. Only the legacy
   * workflow counts here; credentialRenewalWorkflow counts every email of the account in AccountMemory.
   */
  reserveSend(now: number): boolean {
    const recent = this.sendTimes.filter((t) => now - t < this.windowMs);
    if (recent.length >= this.maxEmailsPerWindow) return false;
    this.sendTimes.push(now);
    return true;
  }

  /** A new link supersedes every earlier one. */
  add(link: LinkRecord): void {
    this.links.push(link);
  }

  /** 'current', 'superseded' (an earlier link of this renewal) or 'unknown'. */
  classify(hash: string): 'current' | 'superseded' | 'unknown' {
    if (this.current?.hash === hash) return 'current';
    return this.links.some((l) => l.hash === hash) ? 'superseded' : 'unknown';
  }
}
