/**
 * What the planner needs to know about outputs on disk, read before planning so the planner
 * stays pure. Only completed shots whose spec is unchanged are looked at (everything else is
 * regenerated or resumed regardless), and a file is hashed only when its size already
 * matches the lock, since a size change alone proves it changed.
 */
import { statSync, type BigIntStats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Shot } from '../manifest/types.js';
import type { Lock } from '../lock/types.js';
import { OutputHashCache } from './hash-cache.js';
import { mapLimit } from '../util/map-limit.js';
import type { PrefetchedOutput, PrefetchedOutputs } from './output-prefetch.js';
import type { ObservedOutput } from './types.js';

/** Files hashed at once: enough to keep a disk busy, few enough to stay well under fd limits. */
const CONCURRENCY = 16;

/**
 * `cache` defaults to none, so library callers get plain hashing; the CLI passes the
 * manifest's cache (see hash-cache.ts), and for large manifests what a worker thread already
 * saw of each output (output-prefetch.ts).
 */
export async function observeOutputs(
  manifestDir: string,
  shots: Shot[],
  lock: Lock,
  cache: OutputHashCache = OutputHashCache.empty(),
  prefetched?: PrefetchedOutputs,
): Promise<Map<string, ObservedOutput>> {
  const work = shots.filter((shot) => {
    const entry = Object.hasOwn(lock.shots, shot.id) ? lock.shots[shot.id] : undefined;
    return entry?.state === 'completed' && entry.spec_hash === shot.specHash;
  });
  // Most outputs are settled by a stat and the hash cache, synchronously and without a
  // promise each (10,000 of those through a pool of async workers cost more than the stats);
  // only the files left to hash go through the pool.
  const results = new Array<ObservedOutput>(work.length);
  const toHash: Array<{ index: number; path: string; stats: BigIntStats }> = [];
  work.forEach((shot, index) => {
    const expectedBytes = lock.shots[shot.id]?.output?.bytes;
    const known = fromPrefetch(prefetched?.get(shot.output), expectedBytes);
    if (known) {
      results[index] = known.observed;
      return;
    }
    const path = resolve(manifestDir, shot.output);
    const seen = statOutput(path, expectedBytes, cache);
    if ('observed' in seen) results[index] = seen.observed;
    else toHash.push({ index, path, stats: seen.hash });
  });
  await mapLimit(toHash, CONCURRENCY, async ({ index, path, stats }) => {
    results[index] = await hashObserved(path, stats, cache);
  });
  await cache.save();
  // In manifest order, whatever order the files were hashed in.
  return new Map(work.map((shot, index) => [shot.id, results[index] as ObservedOutput]));
}

/** One output file against the size the lock recorded: missing, changed size, or its sha256. */
export async function observeFile(
  path: string,
  expectedBytes: number | undefined,
  cache: OutputHashCache = OutputHashCache.empty(),
): Promise<ObservedOutput> {
  const seen = statOutput(path, expectedBytes, cache);
  return 'observed' in seen ? seen.observed : hashObserved(path, seen.hash, cache);
}

/** What the prefetch settled (see verdict); undefined leaves the file to statOutput. */
function fromPrefetch(seen: PrefetchedOutput | undefined, expectedBytes: number | undefined): { observed: ObservedOutput } | undefined {
  if (seen === undefined) return undefined;
  if (seen === 'missing') return { observed: { exists: false } };
  const observed = verdict(seen.bytes, expectedBytes, () => seen.sha256);
  return observed && { observed };
}

/**
 * A file's size against the size the lock recorded: a changed size, or the sha256
 * `knownSha256` has for it; undefined when its bytes must be hashed.
 */
function verdict(bytes: number, expectedBytes: number | undefined, knownSha256: () => string | undefined): ObservedOutput | undefined {
  if (expectedBytes === undefined || bytes !== expectedBytes) return { exists: true, bytes };
  const sha256 = knownSha256();
  return sha256 === undefined ? undefined : { exists: true, bytes, sha256 };
}

/**
 * What a stat and the hash cache tell: missing, a changed size or a known sha256 (observed),
 * or the stats of a file of the expected size whose bytes must be hashed.
 */
function statOutput(path: string, expectedBytes: number | undefined, cache: OutputHashCache): { observed: ObservedOutput } | { hash: BigIntStats } {
  let info: BigIntStats | undefined;
  try {
    // Synchronous on purpose: 10,000 stats cost ~50 ms this way and three times that as
    // promises through the thread pool, and nothing else runs while a plan is read.
    info = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch (error) {
    if (isMissing(error)) return { observed: { exists: false } };
    throw error;
  }
  if (!info?.isFile()) return { observed: { exists: false } };
  const stats = info;
  const observed = verdict(Number(stats.size), expectedBytes, () => cache.lookup(path, stats));
  return observed ? { observed } : { hash: stats };
}

async function hashObserved(path: string, info: BigIntStats, cache: OutputHashCache): Promise<ObservedOutput> {
  const bytes = Number(info.size);
  try {
    const sha256 = await hashFile(path, bytes);
    cache.remember(path, info, sha256);
    return { exists: true, bytes, sha256 };
  } catch (error) {
    // Deleted between stat and read.
    if (isMissing(error)) return { exists: false };
    throw error;
  }
}

/** Small files in one read: opening a stream per 4 KB file costs more than the hashing. */
const WHOLE_READ_BYTES = 8 * 1024 * 1024;

/**
 * sha256 of a file's bytes, lowercase hex; `bytes` (its size) picks one read or a loop of
 * reads into one buffer. Not a stream: a stream allocates a new buffer per chunk, and V8
 * lets tens of megabytes of those pile up before it collects them, which would make the
 * memory of push (which hashes every video before it leaves) grow with the number of videos.
 */
export async function hashFile(path: string, bytes: number): Promise<string> {
  if (bytes <= WHOLE_READ_BYTES) return createHash('sha256').update(await readFile(path)).digest('hex');
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

function isMissing(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
