/**
 * `--shard k/N`: a stable share of the shots, by a hash of the shot id (DESIGN.md
 * "Sharding"). The same shot lands in the same shard on every machine, every run and every
 * Node version, whatever else is in the manifest, so N CI jobs can each apply their share
 * and `videogen lock merge` can put the locks back together.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based, as written: `2/4` is index 2 of count 4. */
  index: number;
  count: number;
}

/** Most shards a campaign can be split into (a CI matrix is far smaller). */
export const MAX_SHARDS = 1000;

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard: "${text}" is not a shard`, `write k/N with 1 ≤ k ≤ N ≤ ${MAX_SHARDS}, such as 2/4`);
  }
  return { index, count };
}

/**
 * The shard (1-based) that owns `id` among `count`: the first 48 bits of sha256(id), modulo
 * the count. 48 bits keep the modulo bias below one in a billion for any count up to 1000.
 */
export function shardOf(id: string, count: number): number {
  const digest = createHash('sha256').update(id, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function inShard(id: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(id, shard.count) === shard.index;
}

/** A limit shared by N shards: each gets its share, at least 1. */
export function shareOf(limit: number, shard: Shard): number {
  return Math.max(1, Math.floor(limit / shard.count));
}
