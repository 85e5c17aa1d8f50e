import { describe, expect, it } from 'vitest';
import { LinkLedger } from '../../workflows/link-ledger.js';

const HOUR = 3_600_000;

describe('LinkLedger', () => {
  it('keeps only the newest link current and remembers earlier ones as superseded', () => {
    const ledger = new LinkLedger(3);
    ledger.add({ hash: 'a', sentAt: 0, expiresAt: HOUR });
    ledger.add({ hash: 'b', sentAt: 10, expiresAt: HOUR + 10 });
    expect(ledger.classify('b')).toBe('current');
    expect(ledger.classify('a')).toBe('superseded');
    expect(ledger.classify('zz')).toBe('unknown');
    expect(ledger.sentCount).toBe(2);
  });

  it('allows N emails per rolling hour and frees a slot exactly one hour after the oldest', () => {
    const ledger = new LinkLedger(3);
    expect(ledger.reserveSend(0)).toBe(true);
    expect(ledger.reserveSend(60_000)).toBe(true);
    expect(ledger.reserveSend(120_000)).toBe(true);
    expect(ledger.reserveSend(HOUR - 1)).toBe(false);
    expect(ledger.reserveSend(HOUR)).toBe(true);
    expect(ledger.reserveSend(HOUR + 1)).toBe(false);
  });
});
