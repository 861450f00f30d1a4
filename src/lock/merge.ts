/**
 * `videogen lock merge`: the locks of N shard runs back into one (DESIGN.md "Sharding").
 * Every shard started from the same lock (the base, what `--into` holds) and changed only
 * the entries of its own shots, so the merge takes each shard's changes against the base.
 * Two shards changing one entry differently is a conflict, never a silent pick. Pure, and
 * the result does not depend on the order the shard locks are given in.
 */
import { canonicalJson } from '../manifest/spec-hash.js';
import { compareOrdinal } from '../util/compare.js';
import type { Lock, LockEntry } from './types.js';

export interface ShardLock {
  file: string;
  lock: Lock;
}

export interface MergeConflict {
  id: string;
  /** The shard lock files that changed this entry, each way. */
  files: string[];
}

export type MergeResult = { ok: true; lock: Lock; changed: number } | { ok: false; conflicts: MergeConflict[] };

export function mergeLocks(base: Lock, shards: readonly ShardLock[]): MergeResult {
  const ids = new Set(Object.keys(base.shots));
  for (const shard of shards) for (const id of Object.keys(shard.lock.shots)) ids.add(id);
  const shots: Record<string, LockEntry> = {};
  const conflicts: MergeConflict[] = [];
  let changed = 0;
  for (const id of [...ids].sort(compareOrdinal)) {
    const before = entryOf(base, id);
    const beforeJson = before === undefined ? undefined : canonicalJson(before);
    // Each distinct new value of this entry, with the files that hold it; removal is `undefined`.
    const changes = new Map<string | undefined, { entry: LockEntry | undefined; files: string[] }>();
    for (const shard of shards) {
      const entry = entryOf(shard.lock, id);
      const json = entry === undefined ? undefined : canonicalJson(entry);
      if (json === beforeJson) continue;
      const change = changes.get(json) ?? { entry, files: [] };
      change.files.push(shard.file);
      changes.set(json, change);
    }
    if (changes.size > 1) {
      conflicts.push({ id, files: [...changes.values()].flatMap((change) => change.files).sort(compareOrdinal) });
      continue;
    }
    const [change] = changes.values();
    const entry = change ? change.entry : before;
    if (change) changed += 1;
    if (entry !== undefined) shots[id] = entry;
  }
  if (conflicts.length > 0) return { ok: false, conflicts };
  return { ok: true, lock: { version: 1, shots }, changed };
}

function entryOf(lock: Lock, id: string): LockEntry | undefined {
  return Object.hasOwn(lock.shots, id) ? lock.shots[id] : undefined;
}
