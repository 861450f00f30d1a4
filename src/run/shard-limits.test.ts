import { describe, expect, it } from 'vitest';
import type { Manifest, ProviderConfig } from '../manifest/types.js';
import { withShardLimits } from './shard-limits.js';

function manifestWith(...configs: Array<Pick<ProviderConfig, 'name' | 'concurrency' | 'ratePerMinute'>>): Manifest {
  const providers = new Map(configs.map((config) => [config.name, config as ProviderConfig]));
  return { providers } as Manifest;
}

describe('withShardLimits', () => {
  it("gives each of N shards its share of every provider's concurrency and rate, never below one job", () => {
    const manifest = manifestWith({ name: 'hg', concurrency: 8, ratePerMinute: 60 }, { name: 'oa', concurrency: 2 });
    const shared = withShardLimits(manifest, { index: 2, count: 4 });
    expect(shared.providers.get('hg')).toMatchObject({ concurrency: 2, ratePerMinute: 15 });
    expect(shared.providers.get('oa')).toMatchObject({ concurrency: 1 });
    expect(shared.providers.get('oa')?.ratePerMinute).toBeUndefined();
    // The manifest itself is not touched.
    expect(manifest.providers.get('hg')?.concurrency).toBe(8);
  });

  it('keeps the whole limits with --shard-limits full, for one shard, and without --shard', () => {
    const manifest = manifestWith({ name: 'hg', concurrency: 8, ratePerMinute: 60 });
    expect(withShardLimits(manifest, { index: 1, count: 4 }, 'full')).toBe(manifest);
    expect(withShardLimits(manifest, { index: 1, count: 1 })).toBe(manifest);
    expect(withShardLimits(manifest, undefined)).toBe(manifest);
  });
});
