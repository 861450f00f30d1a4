/** Reading what a command works on: the `.env` beside the manifest, the manifest, the lock, the outputs. */
import { priceActions } from '../cost/plan-costs.js';
import { readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { formatDiagnostic, UsageError } from '../errors.js';
import type { CommandIO } from './options.js';
import { dirname, join, resolve } from 'node:path';
import { loadManifestAndCache } from '../manifest/load.js';
import { readLockAndCache } from '../lock/read.js';
import { observeOutputs } from '../plan/observe.js';
import { OutputHashCache } from '../plan/hash-cache.js';
import { OutputPrefetch } from '../plan/output-prefetch.js';
import type { Manifest } from '../manifest/types.js';
import type { Lock } from '../lock/types.js';
import type { ObservedOutput, OutputVerdicts, Plan, Selectors } from '../plan/types.js';
import { planShots } from '../plan/plan.js';
import { reuseQueries } from '../plan/reuse.js';
import { lookupReuse } from '../storage/reuse-lookup.js';
import type { OutputSources } from '../storage/sources.js';

export interface Project {
  manifest: Manifest;
  lock: Lock;
  /** Caches the manifest's YAML and the lock as parsed (src/util/parsed-cache.ts); called once the command has succeeded. */
  saveCaches(): Promise<void>;
}

/**
 * Loads `.env` beside the manifest first, so `api_key_env` can name a variable kept there.
 * Variables already set in the environment win, as with dotenv: CI secrets override a
 * developer's file.
 */
export function loadDotEnv(manifestPath: string, env: NodeJS.ProcessEnv): void {
  const file = join(dirname(resolve(manifestPath)), '.env');
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`, 'a .env beside the manifest must be a plain KEY=value file');
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] === undefined) env[key] = value;
  }
}

/** Warnings travel on stderr, so stdout stays what the command promises (a plan, JSON, NDJSON). */
export function printWarnings(manifest: Manifest, io: Pick<CommandIO, 'stderr'>): void {
  for (const warning of manifest.warnings) io.stderr.write(`${formatDiagnostic(warning)}\n`);
}

export async function loadProjectWithOutputs(
  manifestPath: string,
): Promise<Project & { observed: Map<string, ObservedOutput> }> {
  const prefetch = OutputPrefetch.start(manifestPath);
  try {
    const project = await loadProject(manifestPath, prefetch);
    return { ...project, observed: await observeProjectOutputs(project.manifest, project.lock, prefetch) };
  } finally {
    prefetch?.stop();
  }
}

/** The manifest, then the lock; `prefetch` (output-prefetch.ts), if any, is told the outputs in between. */
export async function loadProject(manifestPath: string, prefetch?: OutputPrefetch): Promise<Project> {
  const { manifest, saveCache: saveManifestCache } = await loadManifestAndCache(manifestPath);
  prefetch?.look(manifest);
  const { lock, saveCache: saveLockCache } = await readLockAndCache(manifest.lockFile);
  const saveCaches = async (): Promise<void> => {
    await Promise.all([saveManifestCache(), saveLockCache()]);
  };
  return { manifest, lock, saveCaches };
}

/**
 * The outputs on disk, through the manifest's hash cache so unchanged files are not re-read.
 * With `prefetch` (output-prefetch.ts), its thread's answers are used, and the hash cache is read
 * here only if a file must be hashed.
 */
export async function observeProjectOutputs(
  manifest: Manifest,
  lock: Lock,
  prefetch?: OutputPrefetch,
): Promise<Map<string, ObservedOutput>> {
  const prefetched = await prefetch?.result;
  const cache = prefetched ? OutputHashCache.deferred(manifest.dir, manifest.file) : await OutputHashCache.open(manifest.dir, manifest.file);
  return observeOutputs(manifest.dir, manifest.shots, lock, cache, prefetched);
}

/**
 * Plans once without reuse, looks up what reuse could replace (the local cache, then the
 * store) in one batch, and plans again with the answers; the planner itself never reads.
 */
export async function planWithReuse(
  project: Pick<Project, 'manifest' | 'lock'> & { observed: ReadonlyMap<string, ObservedOutput> },
  selectors: Selectors,
  verdicts: OutputVerdicts,
  sources: OutputSources,
  warn: (text: string) => void,
): Promise<Plan> {
  const { manifest, lock, observed } = project;
  const draft = planShots(manifest.shots, lock, observed, selectors, verdicts);
  const queries = reuseQueries(draft, manifest.shots, lock);
  if (queries.specHashes.length === 0 && queries.objects.length === 0) return priceActions(draft, manifest.shots, manifest.pricing);
  const reuse = await lookupReuse(queries, sources, warn);
  // Nothing found: the draft is the plan (planning 100,000 shots again costs a third of a second).
  const found = reuse.specs.size > 0 || reuse.objects.size > 0;
  const plan = found ? planShots(manifest.shots, lock, observed, selectors, verdicts, reuse) : draft;
  return priceActions(plan, manifest.shots, manifest.pricing);
}
