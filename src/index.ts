/**
 * The programmatic API: load a manifest, plan it against its lock, and the pieces apply is
 * made of, for tools that embed videogen instead of shelling out to it.
 */
export { loadManifest } from './manifest/load.js';
export { specHash, canonicalJson } from './manifest/spec-hash.js';
export { readLock } from './lock/read.js';
export { writeLock } from './lock/write.js';
export { serializeLock } from './lock/serialize.js';
export { LockWriter } from './lock/lock-writer.js';
export { planShots } from './plan/plan.js';
export { reuseQueries, NO_REUSE } from './plan/reuse.js';
export { observeOutputs } from './plan/observe.js';
export { renderPlan } from './plan/render.js';
export { readReview, readVerdicts, reviewFileFor } from './review/review-file.js';
export { executePlan } from './run/executor.js';
export { lookupReuse } from './storage/reuse-lookup.js';
export { openOutputSources, type OutputSources } from './storage/sources.js';
export { LocalCache } from './storage/local-cache.js';
export { openObjectStore, type ObjectStore } from './storage/object-store.js';
export { StorageError, StorageCode } from './storage/errors.js';
export { startEmulator } from './emulator/server.js';
export { createProvider } from './providers/registry.js';
export { HttpClient } from './http/client.js';
export * from './errors.js';
export type * from './manifest/types.js';
export type * from './lock/types.js';
export type * from './plan/types.js';
export type * from './review/types.js';
export type * from './report/types.js';
export type * from './providers/types.js';
