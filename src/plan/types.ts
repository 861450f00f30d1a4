/** The plan is data: the text renderer and `--json` render this same object. */
import type { Verdict } from '../review/types.js';

export const PLAN_VERSION = 1;

export type ActionKind = 'create' | 'replace' | 'resume' | 'retry' | 'fetch' | 'keep' | 'orphan';

/** Actions that call a provider; keep and orphan do not. */
export const WORK_ACTIONS: ReadonlySet<ActionKind> = new Set(['create', 'replace', 'resume', 'retry', 'fetch']);

export const ACTION_SYMBOL: Record<ActionKind, string> = {
  create: '+',
  replace: '~',
  resume: '>',
  retry: '!',
  fetch: '↓',
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
}

export interface PlanSummary {
  create: number;
  replace: number;
  resume: number;
  retry: number;
  fetch: number;
  keep: number;
  orphan: number;
  /** Shots left out by --only. */
  skipped: number;
  /** Actions that would call a provider (everything but keep and orphan). */
  changes: number;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  actions: PlanAction[];
  summary: PlanSummary;
  /** Selector patterns (`--only`, `--replace`) that matched no shot: almost always a typo. Absent when none. */
  unmatched?: string[];
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
}
