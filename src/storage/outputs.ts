/**
 * Moving one output between the output directory, the local cache and the store: keeping a
 * verified output (cache, then store and its spec index) and restoring one by its sha256
 * (cache first, else from the store through the cache). Used by apply, push and pull alike.
 */
import { describeError } from '../errors.js';
import type { LockEntry, LockOutput } from '../lock/types.js';
import { StorageCode, StorageError } from './errors.js';
import type { PlaceMethod } from './local-cache.js';
import type { TransferOptions } from './object-store.js';
import type { OutputSources } from './sources.js';
import { specIndexEntry } from './spec-index.js';
import type { ExpectedBytes } from './verified-write.js';

export interface KeptOutput {
  /**
   * Whether the store has it now, video and spec index entry (what `status` checks and
   * `push` completes); undefined without a store.
   */
  pushed?: boolean;
  /** Why the store does not have it (the output itself is safe on disk and in the cache). */
  storeError?: { code: string; message: string; hint?: string };
  /** Why the cache could not take it (a cache is a cache: nothing is lost). */
  cacheError?: { code: string; message: string };
}

/**
 * Takes in an output that was just verified against the lock entry about to be recorded:
 * links it into the cache, then uploads it and its spec index entry when there is a store.
 * Never throws: a paid video must be recorded whatever storage does.
 */
export async function keepOutput(
  sources: OutputSources,
  file: string,
  shotId: string,
  entry: LockEntry & { output: LockOutput },
  options: TransferOptions = {},
): Promise<KeptOutput> {
  const kept: KeptOutput = {};
  const index = specIndexEntry(shotId, entry);
  try {
    await sources.cache.addFile(file, entry.output);
    await sources.cache.writeSpec(index);
  } catch (error) {
    kept.cacheError = describeError(error);
  }
  if (!sources.store) return kept;
  try {
    await pushOutput(sources, file, entry.output, options);
    // The index entry last: it must never name a video the store does not have.
    await sources.store.putSpec(index);
    kept.pushed = true;
  } catch (error) {
    kept.pushed = false;
    kept.storeError = describeError(error);
  }
  return kept;
}

/** Uploads `file` (verified against `output` by the caller) unless the store has it already. */
async function pushOutput(sources: OutputSources, file: string, output: ExpectedBytes, options: TransferOptions = {}): Promise<'uploaded' | 'present'> {
  const store = sources.store;
  if (!store) throw new StorageError(StorageCode.notConfigured, 'the manifest has no `storage:`');
  if (await store.hasObject(output)) return 'present';
  await store.upload(file, output, options);
  return 'uploaded';
}

/**
 * Puts the output named by `output` at `dest`: from the cache (verified), else downloaded
 * from the store into the cache (verified on the way in) and placed from there.
 */
export async function restoreOutput(
  sources: OutputSources,
  output: ExpectedBytes,
  dest: string,
  options: TransferOptions = {},
): Promise<{ from: 'cache' | 'store'; method: PlaceMethod }> {
  const { cache, store } = sources;
  if (await cache.hasObject(output)) {
    try {
      return { from: 'cache', method: await cache.checkout(output, dest) };
    } catch (error) {
      // A damaged cached copy is gone now; the store may still have a good one.
      if (!store || !(error instanceof StorageError && error.code === StorageCode.corrupt)) throw error;
    }
  }
  if (!store) {
    throw new StorageError(
      StorageCode.missing,
      `no copy of ${output.sha256} (${output.bytes} bytes) in the local cache, and the manifest has no \`storage:\``,
      'add `storage:` to the manifest and pull, or copy the file from the machine that generated it',
    );
  }
  await store.download(output, (body) => cache.receive(body, output, store.objectUrl(output.sha256), options), options);
  return { from: 'store', method: await cache.checkout(output, dest, { verified: true }) };
}
