/**
 * The planner: manifest shots + lock + what is on disk → one action per shot. Pure and
 * synchronous, like changesets' assemble-release-plan: the caller reads files and hashes
 * outputs first (observe.ts), so the plan is a function of its inputs and is tested as one.
 * Linear in the number of shots, so 10,000 shots plan in milliseconds.
 */
import type { Shot } from '../manifest/types.js';
import type { Lock, LockEntry } from '../lock/types.js';
import { diffSpecs } from './diff.js';
import { SelectorSet } from './selectors.js';
import { inShard } from './shard.js';
import { compareOrdinal } from '../util/compare.js';
import { NO_REUSE, restoreAction, reuseAction, withoutRejected } from './reuse.js';
import type { Verdict } from '../review/types.js';
import {
  PLAN_VERSION,
  type ActionKind,
  type ObservedOutput,
  type OutputVerdicts,
  type Plan,
  type PlanAction,
  type PlanSummary,
  type ReuseIndex,
  type Selectors,
} from './types.js';
import { extend } from '../util/extend.js';

/**
 * `verdicts` are the review's, by output sha256. `reuse` is what the caller found in the local
 * cache and the store for the questions reuseQueries (reuse.ts) asked of a first plan made
 * without it.
 */
export function planShots(
  shots: Shot[],
  lock: Lock,
  observed: ReadonlyMap<string, ObservedOutput>,
  selectors: Selectors = {},
  verdicts: OutputVerdicts = new Map(),
  reuse: ReuseIndex = NO_REUSE,
): Plan {
  const only = new SelectorSet(selectors.only ?? []);
  const replace = new SelectorSet(selectors.replace ?? []);
  // A video rejected in review is never handed to another shot either.
  const usable = withoutRejected(reuse, verdicts);
  const actions: PlanAction[] = [];
  const summary = emptySummary();
  const inManifest = new Set<string>();

  const inThisShard = (id: string) => selectors.shard === undefined || inShard(id, selectors.shard);

  for (const shot of shots) {
    inManifest.add(shot.id);
    if (!only.isEmpty && !only.matchShot(shot)) {
      summary.skipped += 1;
      continue;
    }
    if (!inThisShard(shot.id)) {
      // Another shard's shot still counts as matched: a selector is a typo only if no shard has its shot.
      replace.matchShot(shot);
      summary.skipped += 1;
      continue;
    }
    const entry = lockEntry(lock, shot.id);
    const verdict = entry?.output ? verdicts.get(entry.output.sha256) : undefined;
    // Every replace selector is tried (not just until one matches) so none is reported unmatched wrongly.
    const replaceHit = replace.matchShot(shot);
    const forcedBy = replaceHit ? '--replace' : selectors.force ? '--force' : undefined;
    // An approved take is pinned: a blanket --force passes it by, naming it with --replace does not.
    const pinned = forcedBy === '--force' && verdict === 'approved';
    // A forced shot is asked for a new generation: an earlier one of the same spec will not do.
    let action = decide(shot, entry, observed.get(shot.id), verdict, forcedBy && !pinned ? NO_REUSE : usable);
    if (forcedBy && entry && action.action !== 'create' && action.action !== 'replace') {
      if (pinned) {
        if (action.action === 'keep') action = extend(action, { reason: 'approved in review: --force leaves it (name it with --replace to regenerate)', verdict });
      } else {
        action = forcedReplace(shot, entry, forcedBy);
      }
    } else if (forcedBy && !pinned) {
      action = extend(action, { forced: forcedBy });
    }
    actions.push(action);
    summary[action.action] += 1;
  }

  const orphanIds = Object.keys(lock.shots)
    .filter((id) => !inManifest.has(id))
    .sort(compareOrdinal);
  for (const id of orphanIds) {
    if (!inThisShard(id) || (!only.isEmpty && !only.matchId(id))) continue;
    actions.push({ id, action: 'orphan', reason: 'in the lock, not in the manifest: kept until `videogen prune`' });
    summary.orphan += 1;
  }

  summary.changes = summary.create + summary.replace + summary.resume + summary.retry + summary.fetch + summary.reuse;
  const unmatched = [...new Set([...only.unmatched(), ...replace.unmatched()])];
  return {
    version: PLAN_VERSION,
    actions,
    summary,
    ...(unmatched.length > 0 ? { unmatched } : {}),
    ...(selectors.shard ? { shard: selectors.shard } : {}),
  };
}

function decide(
  shot: Shot,
  entry: LockEntry | undefined,
  observed: ObservedOutput | undefined,
  verdict: Verdict | undefined,
  reuse: ReuseIndex,
): PlanAction {
  const base = { id: shot.id, provider: shot.providerName };
  if (!entry) return reuseAction(shot, reuse) ?? extend(base, { action: 'create', reason: 'not in the lock' });

  if (entry.spec_hash !== shot.specHash) {
    const changes = diffSpecs(entry.spec, shot.spec);
    const reused = reuseAction(shot, reuse, changes);
    if (reused) return entry.state === 'submitted' && entry.job_id ? extend(reused, { reason: `${reused.reason}${abandons(entry)}` }) : reused;
    const what = changes.length > 0 ? `changed: ${changes.map((change) => change.field).join(', ')}` : 'spec hash changed';
    return extend(base, { action: 'replace', reason: `${what}${abandons(entry)}`, changes });
  }

  if (entry.state === 'submitted') {
    if (!entry.job_id) {
      return extend(base, {
        action: 'resume',
        reason: 'the last apply stopped while submitting: look for that job at the provider before submitting again',
      });
    }
    return extend(base, { action: 'resume', reason: `job ${entry.job_id} was submitted: collect it, never submit again`, job_id: entry.job_id });
  }
  if (entry.state === 'failed') {
    const code = entry.error?.code ? ` (${entry.error.code})` : '';
    // Asking again for what the provider's content policy refused gets the same refusal (and
    // some providers bill it): only a changed spec, or --replace naming the shot, tries again.
    if (entry.error?.class === 'moderation') {
      return extend(base, { action: 'keep', held: 'moderation', reason: `refused by the provider's content policy${code}: not retried until the spec changes or --replace names it` });
    }
    return reuseAction(shot, reuse) ?? extend(base, { action: 'retry', reason: `last attempt failed${code}` });
  }

  // Before the output checks: fetching a rejected take again would only bring it back.
  if (verdict === 'rejected') return extend(base, { action: 'replace', reason: 'rejected in review', changes: [], verdict });

  const problem = outputProblem(shot, entry, observed);
  if (!problem) return extend(base, { action: 'keep', reason: 'up to date' });
  const restored = restoreAction(shot, entry, problem, reuse) ?? (entry.job_id ? undefined : reuseAction(shot, reuse));
  if (restored) return restored;
  const then = entry.job_id
    ? `download job ${entry.job_id} again if the provider still serves it, else regenerate`
    : 'regenerate (no job id recorded)';
  return extend(base, { action: 'fetch', reason: `${problem}: ${then}`, ...(entry.job_id ? { job_id: entry.job_id } : {}) });
}

/** Why a completed shot's output is not usable as it stands, or undefined when it is. */
function outputProblem(shot: Shot, entry: LockEntry, observed: ObservedOutput | undefined): string | undefined {
  const recorded = entry.output;
  if (!recorded) return 'no output recorded';
  if (recorded.path !== shot.output) return `output path changed from ${recorded.path} to ${shot.output}`;
  if (!observed || !observed.exists) return 'output missing';
  if (observed.bytes !== recorded.bytes || observed.sha256 !== recorded.sha256) return 'output changed on disk';
  return undefined;
}

function forcedReplace(shot: Shot, entry: LockEntry, flag: '--force' | '--replace'): PlanAction {
  return { id: shot.id, provider: shot.providerName, action: 'replace', reason: `forced by ${flag}${abandons(entry)}`, changes: [], forced: flag };
}

/** Replacing a submitted shot leaves its job running at the provider: say so, it may still be billed. */
function abandons(entry: LockEntry): string {
  return entry.state === 'submitted' && entry.job_id ? `; abandons submitted job ${entry.job_id}` : '';
}

function lockEntry(lock: Lock, id: string): LockEntry | undefined {
  return Object.hasOwn(lock.shots, id) ? lock.shots[id] : undefined;
}

function emptySummary(): PlanSummary & Record<ActionKind, number> {
  return { create: 0, replace: 0, resume: 0, retry: 0, fetch: 0, reuse: 0, keep: 0, orphan: 0, skipped: 0, changes: 0 };
}

