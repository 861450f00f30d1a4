/** The plan is data: the text renderer and `--json` render this same object. */
import type { Verdict } from '../review/types.js';

import type { Shard } from './shard.js';

export const PLAN_VERSION = 1;

export type ActionKind = 'create' | 'replace' | 'resume' | 'retry' | 'fetch' | 'reuse' | 'keep' | 'orphan';

/** Actions apply carries out; keep and orphan change nothing. */
export const WORK_ACTIONS: ReadonlySet<ActionKind> = new Set(['create', 'replace', 'resume', 'retry', 'fetch', 'reuse']);

/** Whether carrying out the action needs the provider (and its key): not when the video comes from the cache or the store. */
export function callsProvider(action: PlanAction): boolean {
  return WORK_ACTIONS.has(action.action) && action.reuse === undefined;
}

export const ACTION_SYMBOL: Record<ActionKind, string> = {
  create: '+',
  replace: '~',
  resume: '>',
  retry: '!',
  fetch: '↓',
  reuse: '&',
  keep: '=',
  orphan: '-',
};

export interface FieldChange {
  /** Spec field name (`prompt`, `model`, `options.seed`…). */
  field: string;
  from?: unknown;
  to?: unknown;
}

export interface PlanAction {
  id: string;
  action: ActionKind;
  /** Why this action, in words (`output missing`, `forced by --replace`). */
  reason: string;
  /** For replace: what changed in the spec. */
  changes?: FieldChange[];
  /** For resume/fetch: the job recorded in the lock. */
  job_id?: string;
  /** Provider entry name; absent for orphans. */
  provider?: string;
  /** A keep that is not a success: the last attempt was refused by the content policy and is not retried. */
  held?: 'moderation';
  /**
   * The review verdict that decided this action: `rejected` for a replace of a rejected
   * output, `approved` for a kept output that --force left alone. Absent otherwise.
   */
  verdict?: Verdict;
  /** Set when `--force` or `--replace` selected the shot: a new generation is wanted, never a reuse. */
  forced?: '--force' | '--replace';
  /**
   * For reuse, and a fetch that restores without the provider: where the video comes from.
   * Absent on every other action.
   */
  reuse?: ReuseSource;
  /** What the action will cost (src/cost/plan-costs.ts); absent on keep and orphan. */
  cost?: ActionCost;
}

/**
 * An action's cost in US dollars: `usd` when the price is known (0 for what needs no new
 * job), else `unknown` says why. A fetch that may have to regenerate carries what that would
 * cost in `if_regenerated`.
 */
export interface ActionCost {
  usd?: number;
  unknown?: string;
  if_regenerated?: number;
}

/** A video that can be had without a job: from this machine's cache or from the store. */
export interface ReuseSource {
  from: 'cache' | 'store';
  sha256: string;
  bytes: number;
  /** The generation that made it, as the spec index recorded it (reuse only). */
  job_id?: string;
  provider?: string;
  shot?: string;
  generated_at?: string;
}

/**
 * What the caller found, before planning, in the local cache and the store (in that order of
 * preference), for the questions reuseQueries asked. Looked up in one batch: the planner
 * itself stays pure.
 */
export interface ReuseIndex {
  /** By spec hash: the output of an earlier generation of exactly that spec. */
  specs: ReadonlyMap<string, ReuseSource>;
  /** By sha256: where a recorded output's bytes can be had. */
  objects: ReadonlyMap<string, 'cache' | 'store'>;
}

export interface PlanSummary {
  create: number;
  replace: number;
  resume: number;
  retry: number;
  fetch: number;
  reuse: number;
  keep: number;
  orphan: number;
  /** Shots left out by --only or --shard. */
  skipped: number;
  /** Actions that change something (everything but keep and orphan). */
  changes: number;
  /** The estimate of every action with a known price, and how many have none (never counted as 0). */
  cost?: { usd: number; unknown: number; currency: 'USD' };
}

export interface Plan {
  version: typeof PLAN_VERSION;
  actions: PlanAction[];
  summary: PlanSummary;
  /** Selector patterns (`--only`, `--replace`) that matched no shot: almost always a typo. Absent when none. */
  unmatched?: string[];
  /** The share of the campaign this plan covers (`--shard k/N`). */
  shard?: Shard;
}

/** Review verdicts (shots.review.yaml) by output sha256, read by the caller. */
export type OutputVerdicts = ReadonlyMap<string, Verdict>;

/** What the caller observed on disk for one shot's output, before planning. */
export interface ObservedOutput {
  exists: boolean;
  bytes?: number;
  sha256?: string;
}

export interface Selectors {
  /** `id`, a glob (`hero-*`), or `tag:name`; a shot is selected when any matches. Empty: all. */
  only?: string[];
  /** Ids (or globs/tags) to regenerate even when kept. */
  replace?: string[];
  /** Regenerate everything selected. */
  force?: boolean;
  /** `--shard k/N`: only the shots (and orphans) whose id hashes to this shard. */
  shard?: Shard;
}
