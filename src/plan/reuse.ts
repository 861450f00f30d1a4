/**
 * The `&` reuse action, and the restoring kind of `↓` fetch: a video that exists already (in
 * this machine's cache or the store) is never paid for again. Pure, like the planner: the
 * caller plans once without reuse, looks up what reuseQueries asks in one batch, and plans
 * again with the answers.
 */
import type { Lock, LockEntry } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';
import type { FieldChange, OutputVerdicts, Plan, PlanAction, ReuseIndex, ReuseSource } from './types.js';

export const NO_REUSE: ReuseIndex = { specs: new Map(), objects: new Map() };

export interface ReuseQueries {
  /** Specs a new generation is planned for. */
  specHashes: string[];
  /** Recorded outputs missing from disk, to restore without the provider. */
  objects: Array<{ sha256: string; bytes: number }>;
}

/** What to look up for a plan made without reuse: only what reuse could replace. */
export function reuseQueries(plan: Plan, shots: readonly Shot[], lock: Lock): ReuseQueries {
  const byId = new Map(shots.map((shot) => [shot.id, shot]));
  const specHashes = new Set<string>();
  const objects = new Map<string, { sha256: string; bytes: number }>();
  for (const action of plan.actions) {
    const shot = byId.get(action.id);
    // A forced shot wants a new generation; a rejected one must not get its own video back.
    if (!shot || action.forced || action.verdict === 'rejected') continue;
    if (action.action === 'create' || action.action === 'replace' || action.action === 'retry') specHashes.add(shot.specHash);
    if (action.action === 'fetch') {
      const output = Object.hasOwn(lock.shots, shot.id) ? lock.shots[shot.id]?.output : undefined;
      if (output) objects.set(output.sha256, { sha256: output.sha256, bytes: output.bytes });
      if (!action.job_id) specHashes.add(shot.specHash);
    }
  }
  return { specHashes: [...specHashes], objects: [...objects.values()] };
}

/** `&`: the shot's spec was generated before; its video comes from the cache or the store. */
export function reuseAction(shot: Shot, index: ReuseIndex, changes?: FieldChange[]): PlanAction | undefined {
  const found = index.specs.get(shot.specHash);
  if (!found) return undefined;
  const origin = [found.shot ? `shot ${found.shot}` : undefined, found.job_id ? `job ${found.job_id}` : undefined].filter(Boolean).join(', ');
  const fetchIt = found.from === 'cache' ? 'link it from the local cache' : 'download it from the store';
  return {
    id: shot.id,
    provider: shot.providerName,
    action: 'reuse',
    reason: `the same spec was generated before${origin ? ` (${origin})` : ''}: ${fetchIt}, no job`,
    ...(changes && changes.length > 0 ? { changes } : {}),
    reuse: found,
  };
}

/** `↓` without the provider: the recorded output's bytes are in the cache or the store. */
export function restoreAction(shot: Shot, entry: LockEntry, problem: string, index: ReuseIndex): PlanAction | undefined {
  const output = entry.output;
  const from = output ? index.objects.get(output.sha256) : undefined;
  if (!output || !from) return undefined;
  const source: ReuseSource = { from, sha256: output.sha256, bytes: output.bytes };
  return {
    id: shot.id,
    provider: shot.providerName,
    action: 'fetch',
    reason: `${problem}: restore it from ${from === 'cache' ? 'the local cache' : 'the store'}, no job`,
    // Kept so apply can still ask the provider if the copy turns out damaged.
    ...(entry.job_id ? { job_id: entry.job_id } : {}),
    reuse: source,
  };
}

/** The index without the videos a review rejected: reuse must not bring a rejected take back. */
export function withoutRejected(index: ReuseIndex, verdicts: OutputVerdicts): ReuseIndex {
  if (verdicts.size === 0 || (index.specs.size === 0 && index.objects.size === 0)) return index;
  const rejected = (sha256: string) => verdicts.get(sha256) === 'rejected';
  return {
    specs: new Map([...index.specs].filter(([, source]) => !rejected(source.sha256))),
    objects: new Map([...index.objects].filter(([sha256]) => !rejected(sha256))),
  };
}
