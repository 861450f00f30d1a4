/**
 * Rate limits are per API key, and N shard jobs on a CI matrix usually share one key: each
 * shard takes its share of every provider's `concurrency` and `rate` (DESIGN.md "Sharding"),
 * so together they stay within what one apply would use. `--shard-limits full` says each
 * shard has a key of its own and keeps the whole limits.
 */
import type { Manifest } from '../manifest/types.js';
import { shareOf, type Shard } from '../plan/shard.js';

export type ShardLimits = 'share' | 'full';

export function withShardLimits(manifest: Manifest, shard: Shard | undefined, limits: ShardLimits = 'share'): Manifest {
  if (!shard || shard.count === 1 || limits === 'full') return manifest;
  const providers = new Map(
    [...manifest.providers].map(([name, config]) => [
      name,
      {
        ...config,
        concurrency: shareOf(config.concurrency, shard),
        ...(config.ratePerMinute === undefined ? {} : { ratePerMinute: config.ratePerMinute / shard.count }),
      },
    ]),
  );
  return { ...manifest, providers };
}
