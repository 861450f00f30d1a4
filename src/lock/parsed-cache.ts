/**
 * The parsed lock, cached by the sha256 of the lock's bytes (src/util/parsed-cache.ts), already
 * validated. A lock of 100,000 entries (60 MB of YAML) takes seconds to load and check;
 * hashing it and parsing the JSON takes a tenth of that. A command that parsed the YAML
 * writes the cache once it has succeeded, and apply writes it with the lock.
 */
import { contentDigest, ParsedCache } from '../util/parsed-cache.js';
import type { Lock } from './types.js';

/** sha256 of the lock's bytes, given whole or as the pieces of its UTF-8 text. */
export const lockDigest: (content: Uint8Array | Iterable<string>) => string = contentDigest;

const cacheOf = (lockFile: string) => new ParsedCache(lockFile, 'parsed-lock/1');

/** The Lock cached for a lock whose bytes hash to `digest`, or undefined. */
export async function readCachedLock(lockFile: string, digest: string): Promise<Lock | undefined> {
  const lock = (await cacheOf(lockFile).read(digest)) as Lock | undefined;
  return typeof lock === 'object' && lock !== null && lock.version === 1 && typeof lock.shots === 'object' ? lock : undefined;
}

/** Best effort (see ParsedCache.save); `lock` may come as its JSON already, in pieces. */
export async function saveCachedLock(lockFile: string, digest: string, lock: Lock | Iterable<string>): Promise<void> {
  await cacheOf(lockFile).save(digest, isLock(lock) ? [JSON.stringify(lock)] : lock);
}

function isLock(value: Lock | Iterable<string>): value is Lock {
  return typeof value === 'object' && value !== null && 'shots' in value;
}
