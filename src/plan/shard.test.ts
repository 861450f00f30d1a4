import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf, shareOf } from './shard.js';

describe('parseShard', () => {
  it('reads k/N and refuses anything else with a usage error', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '1', '1/2/3', 'a/b', '-1/4', '1/1001', '']) {
      expect(() => parseShard(bad), bad).toThrow(expect.objectContaining({ code: 'VIDEOGEN_USAGE' }));
    }
  });
});

describe('shardOf', () => {
  it('is pinned: a shot never moves between shards across versions', () => {
    // Recorded when sharding was introduced; a change here would move shots between CI jobs.
    expect(shardOf('hero', 4)).toBe(PINNED.hero);
    expect(shardOf('shot-000', 4)).toBe(PINNED['shot-000']);
    expect(shardOf('coastal-city', 7)).toBe(PINNED['coastal-city/7']);
  });

  it('splits 20,000 shots evenly: every shard within 5% of its share (a fair coin is within ±3σ ≈ 8% at 16 shards)', () => {
    for (const count of [2, 4, 8, 16]) {
      const sizes = new Array<number>(count).fill(0);
      for (let i = 0; i < 20_000; i++) sizes[shardOf(`hello-lead-${i}`, count) - 1]! += 1;
      const share = 20_000 / count;
      for (const size of sizes) expect(Math.abs(size - share) / share, `${count} shards: ${sizes.join(', ')}`).toBeLessThan(0.05);
    }
  });

  it('puts every shot in exactly one shard', () => {
    for (let i = 0; i < 200; i++) {
      const id = `s-${i}`;
      expect([1, 2, 3].filter((index) => inShard(id, { index, count: 3 }))).toHaveLength(1);
    }
  });
});

describe('shareOf', () => {
  it('divides a provider limit between shards, never below 1', () => {
    expect(shareOf(8, { index: 1, count: 4 })).toBe(2);
    expect(shareOf(10, { index: 1, count: 4 })).toBe(2);
    expect(shareOf(2, { index: 1, count: 4 })).toBe(1);
  });
});

const PINNED: Record<string, number> = { hero: 4, 'shot-000': 1, 'coastal-city/7': 2 };
