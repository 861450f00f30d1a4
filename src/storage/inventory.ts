/**
 * What the store has of a list of videos and spec index entries, for status, push and reuse
 * lookups: one request per item when there are few, listings (a thousand keys a request) when
 * there are many, so a 20,000-shot campaign costs tens of requests, not tens of thousands.
 */
import { mapLimit } from '../util/map-limit.js';
import { STORE_CONCURRENCY, type ObjectStore } from './object-store.js';
import type { ExpectedBytes } from './verified-write.js';

/** Above this many items, list the store instead of asking about each. */
export const LIST_ABOVE = 200;

export interface StoreInventory {
  /** The video is there with the right size. */
  hasObject(output: ExpectedBytes): boolean;
  /** A spec index entry is there (and, when asked one by one, one that can be trusted). */
  hasSpec(specHash: string): boolean;
}

export async function storeInventory(store: ObjectStore, outputs: readonly ExpectedBytes[], specHashes: readonly string[]): Promise<StoreInventory> {
  let hasObject: StoreInventory['hasObject'];
  if (outputs.length > LIST_ABOVE) {
    const listed = await store.listObjects();
    hasObject = (output) => listed.get(output.sha256) === output.bytes;
  } else {
    const found = await mapLimit(outputs, STORE_CONCURRENCY, (output) => store.hasObject(output));
    const present = new Set(outputs.filter((_, index) => found[index]).map((output) => `${output.sha256}:${output.bytes}`));
    hasObject = (output) => present.has(`${output.sha256}:${output.bytes}`);
  }
  let specs: Set<string>;
  if (specHashes.length > LIST_ABOVE) {
    specs = await store.listSpecs();
  } else {
    const entries = await mapLimit(specHashes, STORE_CONCURRENCY, (hash) => store.getSpec(hash));
    specs = new Set(specHashes.filter((_, index) => { const entry = entries[index]; return entry !== undefined && !('problem' in entry); }));
  }
  return { hasObject, hasSpec: (hash) => specs.has(hash) };
}
