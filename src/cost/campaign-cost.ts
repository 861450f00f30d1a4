/**
 * What a campaign cost, as its lock records it (`videogen status`): per provider, the charges
 * the provider reported (OpenRouter `usage.cost`) and the estimates made at submission for the
 * rest. The lock holds each shot's latest execution, so a shot generated three times counts
 * once: this is what the videos in the lock cost, not a bill. Pure.
 */
import type { LockEntry } from '../lock/types.js';
import { round } from './estimate.js';

export interface ProviderCost {
  provider: string;
  /** Reported where known, estimated elsewhere. */
  usd: number;
  /** The part of `usd` the provider reported. */
  reported: number;
  /** Jobs whose cost nothing recorded (an unknown price, or a lock written before videogen recorded costs). */
  unknown: number;
  currency: 'USD';
}

export interface CampaignCost {
  providers: ProviderCost[];
  total: Omit<ProviderCost, 'provider'>;
}

export function campaignCost(entries: Iterable<LockEntry>): CampaignCost {
  const byProvider = new Map<string, ProviderCost>();
  for (const entry of entries) {
    // A reused video and a shot never submitted made no job.
    if (entry.reused_from || (entry.job_id === undefined && entry.submitted_at === undefined)) continue;
    // Locks of the first versions named no provider entry: their spec's provider type stands in.
    const provider = entry.provider ?? String(entry.spec.provider);
    let sum = byProvider.get(provider);
    if (!sum) byProvider.set(provider, (sum = { provider, usd: 0, reported: 0, unknown: 0, currency: 'USD' }));
    const reported = entry.cost?.reported;
    const usd = reported ?? entry.cost?.estimated;
    if (usd === undefined) sum.unknown += 1;
    else sum.usd += usd;
    if (reported !== undefined) sum.reported += reported;
  }
  const providers = [...byProvider.values()]
    .sort((a, b) => a.provider.localeCompare(b.provider))
    .map((sum) => ({ ...sum, usd: round(sum.usd), reported: round(sum.reported) }));
  const total = providers.reduce((acc, sum) => ({ ...acc, usd: acc.usd + sum.usd, reported: acc.reported + sum.reported, unknown: acc.unknown + sum.unknown }), {
    usd: 0,
    reported: 0,
    unknown: 0,
    currency: 'USD' as const,
  });
  return { providers, total: { ...total, usd: round(total.usd), reported: round(total.reported) } };
}
