/**
 * Where outputs can be had without a provider, for one command: this machine's cache, and
 * the store when the manifest names one. Opening the store loads the AWS SDK, so commands
 * call this only when they are about to need it.
 */
import type { Manifest } from '../manifest/types.js';
import { LocalCache } from './local-cache.js';
import { openObjectStore, type ObjectStore } from './object-store.js';

export interface OutputSources {
  cache: LocalCache;
  store?: ObjectStore;
}

export interface OpenOutputSources extends OutputSources {
  close(): void;
}

export async function openOutputSources(manifest: Manifest, env: NodeJS.ProcessEnv): Promise<OpenOutputSources> {
  const cache = LocalCache.forManifest(manifest.dir);
  const store = manifest.storage ? await openObjectStore(manifest.storage, env) : undefined;
  return { cache, ...(store ? { store } : {}), close: () => store?.close() };
}
