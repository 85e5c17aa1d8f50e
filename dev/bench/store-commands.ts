/**
 * The shared store's round trips per renewal: Redis counts every command it ran (INFO
 * commandstats); the difference over the end-to-end rounds, divided by the renewals, is what the
 * web's sessions, security codes and limits cost the store. The baseline touches no store.
 */
import type { Store } from '../../adapters/redis.js';

export interface StoreCommands {
  /** Commands per renewal, in all and by command (e.g. `get`, `set`, `evalsha`). */
  perRenewal: number;
  byCommand: Record<string, number>;
}

async function counts(store: Store): Promise<Record<string, number>> {
  const info = await store.info('commandstats');
  const out: Record<string, number> = {};
  for (const [, command, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[command!] = Number(calls);
  return out;
}

/** Starts counting; the function it returns gives the commands since, per renewal. */
export async function storeCommandMeter(store: Store): Promise<(renewals: number) => Promise<StoreCommands>> {
  const before = await counts(store);
  return async (renewals) => {
    const after = await counts(store);
    const per = (n: number) => Math.round((n / (renewals || 1)) * 10) / 10;
    const byCommand = Object.fromEntries(
      Object.entries(after)
        .filter(([command]) => command !== 'info') // the meter's own
        .map(([command, calls]) => [command, per(calls - (before[command] ?? 0))] as const)
        .filter(([, n]) => n > 0)
        .sort(([, a], [, b]) => b - a),
    );
    return { perRenewal: Math.round(Object.values(byCommand).reduce((s, n) => s + n, 0) * 10) / 10, byCommand };
  };
}
