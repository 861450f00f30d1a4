/**
 * Answers the planner's reuse questions (plan/reuse.ts reuseQueries) in one batch: the local
 * cache first (one directory read, then only the hits), then the store for whatever the
 * cache lacks, with a bounded number of requests in flight.
 */
import type { ReuseQueries } from '../plan/reuse.js';
import type { ReuseIndex, ReuseSource } from '../plan/types.js';
import { mapLimit } from '../util/map-limit.js';
import { LIST_ABOVE, storeInventory } from './inventory.js';
import { STORE_CONCURRENCY } from './object-store.js';
import type { SpecIndexEntry } from './spec-index.js';
import type { OutputSources } from './sources.js';

/** Local lookups in flight at once: enough to keep the thread pool's four threads busy while answers come back. */
const LOCAL_CONCURRENCY = 16;

export async function lookupReuse(queries: ReuseQueries, sources: OutputSources, warn: (text: string) => void): Promise<ReuseIndex> {
  const specs = new Map<string, ReuseSource>();
  const objects = new Map<string, 'cache' | 'store'>();
  const { cache, store } = sources;

  // Local reads, but one at a time they would be a thread-pool round trip each in a row: a
  // plan after a branch switch can find tens of thousands of specs in the cache.
  const cachedSpecs = queries.specHashes.length > 0 ? await cache.specHashes() : new Set<string>();
  const inCache = queries.specHashes.filter((hash) => cachedSpecs.has(hash));
  const cacheEntries = await mapLimit(inCache, LOCAL_CONCURRENCY, async (hash) => {
    const entry = await cache.readSpec(hash);
    return entry && (await cache.hasObject(entry.output)) ? entry : undefined;
  });
  inCache.forEach((hash, index) => {
    const entry = cacheEntries[index];
    if (entry) specs.set(hash, sourceOf(entry, 'cache'));
  });
  const cachedObjects = await mapLimit(queries.objects, LOCAL_CONCURRENCY, (output) => cache.hasObject(output));
  queries.objects.forEach((output, index) => {
    if (cachedObjects[index]) objects.set(output.sha256, 'cache');
  });
  if (!store) return { specs, objects };

  let askStore = queries.specHashes.filter((hash) => !specs.has(hash));
  // A big campaign asks about thousands of specs, most of them new: one listing (a thousand
  // keys a request) says which exist, so only those are read.
  if (askStore.length > LIST_ABOVE) {
    const listed = await store.listSpecs();
    askStore = askStore.filter((hash) => listed.has(hash));
  }
  const answers = await mapLimit(askStore, STORE_CONCURRENCY, (hash) => store.getSpec(hash));
  askStore.forEach((hash, index) => {
    const answer = answers[index];
    if (answer === undefined) return;
    if ('problem' in answer) {
      warn(`ignoring the store's spec index entry for ${hash} (${answer.problem}); that shot is generated anew`);
      return;
    }
    // The index entry is written only after its video is uploaded, so it is trusted to exist;
    // the download checks every byte anyway.
    specs.set(hash, sourceOf(answer, 'store'));
  });
  const notCached = queries.objects.filter((output) => !objects.has(output.sha256));
  const inventory = await storeInventory(store, notCached, []);
  for (const output of notCached) if (inventory.hasObject(output)) objects.set(output.sha256, 'store');
  return { specs, objects };
}

function sourceOf(entry: SpecIndexEntry, from: ReuseSource['from']): ReuseSource {
  return {
    from,
    sha256: entry.output.sha256,
    bytes: entry.output.bytes,
    ...(entry.job_id ? { job_id: entry.job_id } : {}),
    ...(entry.provider ? { provider: entry.provider } : {}),
    ...(entry.shot ? { shot: entry.shot } : {}),
    ...(entry.generated_at ? { generated_at: entry.generated_at } : {}),
  };
}
