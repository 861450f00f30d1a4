/**
 * Runs a plan: every action that does work goes through runShotAction under the job slots;
 * the outcomes become the run summary. Failures are data: one failed shot never stops the
 * others.
 */
import pLimit from 'p-limit';
import type { LockWriter } from '../lock/lock-writer.js';
import type { Manifest, Shot } from '../manifest/types.js';
import { WORK_ACTIONS, type Plan, type PlanAction } from '../plan/types.js';
import type { Provider } from '../providers/types.js';
import type { Reporter, RunSummary } from '../report/types.js';
import type { OutputSources } from '../storage/sources.js';
import { emit, type RunContext } from './run-context.js';
import { describeError } from '../errors.js';
import { runShotAction, type ShotOutcome } from './shot-runner.js';
import { Budget } from './budget.js';
import { QuotaStops } from './quota-stops.js';
import { JobSlots } from './slots.js';
import { SubmissionRate } from './submission-rate.js';
import { mapLimit } from '../util/map-limit.js';

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;

const SUMMARY_FIELD: Record<string, keyof RunSummary> = {
  create: 'created',
  replace: 'replaced',
  resume: 'resumed',
  retry: 'retried',
  fetch: 'fetched',
  reuse: 'reused',
};

export interface ExecuteOptions {
  manifest: Manifest;
  plan: Plan;
  lock: LockWriter;
  providers: ReadonlyMap<string, Provider>;
  reporter: Reporter;
  /** Jobs in flight overall; each provider's own `concurrency` caps it further. */
  concurrency?: number;
  /** The first interrupt aborts it. */
  stop: AbortSignal;
  maxDownloadBytes?: number;
  random?: () => number;
  now?: () => number;
  /** The local cache and the store: every new output is kept there; reuse and restoring fetches need it. */
  outputs?: OutputSources;
  /** US dollars: no submission that would take this run's estimates past it. */
  maxCostUsd?: number;
}

export interface ExecuteResult {
  summary: RunSummary;
  /** Most jobs in flight at once, as counted by the slots. */
  peakInFlight: number;
}

export async function executePlan(options: ExecuteOptions): Promise<ExecuteResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const providerLimits = new Map([...options.manifest.providers.values()].map((p) => [p.name, p.concurrency]));
  const ctx: RunContext = {
    manifest: options.manifest,
    lock: options.lock,
    providers: options.providers,
    reporter: options.reporter,
    slots: new JobSlots(concurrency, providerLimits),
    rates: submissionRates(options.manifest, now),
    downloads: pLimit(concurrency),
    recoveries: pLimit(1),
    quota: new QuotaStops(options.reporter),
    stop: options.stop,
    maxDownloadBytes: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
    random: options.random ?? Math.random,
    now,
    ...(options.outputs ? { outputs: options.outputs } : {}),
    budget: new Budget(options.maxCostUsd),
  };

  const shotsById = new Map(options.manifest.shots.map((shot) => [shot.id, shot]));
  const work = options.plan.actions.filter((action) => WORK_ACTIONS.has(action.action));
  for (const action of work) emit(ctx, { id: action.id, action: action.action, state: 'queued', ...providerOf(action) });

  const summary = emptySummary(options.plan);
  const queues = new Map<string, PlanAction[]>();
  for (const action of work) {
    const provider = shotsById.get(action.id)?.providerName ?? action.provider ?? '';
    const queue = queues.get(provider);
    if (queue) queue.push(action);
    else queues.set(provider, [action]);
  }
  // Shots start a provider's window at a time, not all at once: a campaign of 100,000 shots
  // holds a few thousand in memory, not 100,000 runners waiting for a slot. The window is the
  // provider's slots plus the downloads, so a job finishing its download never leaves a slot idle.
  await Promise.all(
    [...queues].map(([provider, actions]) =>
      mapLimit(actions, (providerLimits.get(provider) ?? concurrency) + concurrency, async (action) => {
        count(summary, action, await runSafely(ctx, action, shotsById.get(action.id)));
      }),
    ),
  );
  const interrupted = options.stop.aborted;
  // Shots an interrupt kept from starting are not "skipped" (by a quota stop, say): the run was cut short.
  if (interrupted) summary.skipped = 0;
  return { summary: { ...summary, interrupted, wallMs: now() - started, cost: ctx.budget.spent }, peakInFlight: ctx.slots.peak };
}

/** One limiter per provider with a `rate:`. */
function submissionRates(manifest: Manifest, now: () => number): Map<string, SubmissionRate> {
  const rates = new Map<string, SubmissionRate>();
  for (const provider of manifest.providers.values()) {
    if (provider.ratePerMinute !== undefined) rates.set(provider.name, new SubmissionRate(provider.ratePerMinute, now));
  }
  return rates;
}

function providerOf(action: PlanAction): { provider?: string } {
  return action.provider ? { provider: action.provider } : {};
}

/** A bug in one shot's path must not take the batch down: it becomes that shot's failure. */
async function runSafely(ctx: RunContext, action: PlanAction, shot: Shot | undefined): Promise<ShotOutcome> {
  try {
    if (!shot) throw new Error(`plan names shot ${action.id}, which the manifest does not have`);
    return await runShotAction(ctx, action, shot);
  } catch (error) {
    // A lock that cannot be written (VIDEOGEN_LOCK_WRITE) keeps its code and the job id it names.
    const failure = describeError(error);
    emit(ctx, { id: action.id, action: action.action, state: 'failed', error: failure });
    return { kind: 'failed', error: failure };
  }
}

function count(summary: RunSummary, action: PlanAction, outcome: ShotOutcome): void {
  if (outcome.kind === 'completed') {
    const field = SUMMARY_FIELD[action.action];
    if (field) (summary[field] as number) += 1;
    summary.videoSeconds += outcome.videoSeconds;
    if (outcome.notPushed) summary.notPushed += 1;
  } else if (outcome.kind === 'failed') {
    summary.failed += 1;
  } else if (outcome.kind === 'pending') {
    summary.pending += 1;
  } else if (outcome.kind === 'skipped') {
    summary.skipped += 1;
  }
}

/** A summary of a run that has done nothing yet: only the kept shots count. */
export function emptySummary(plan: Plan): RunSummary {
  return {
    created: 0,
    replaced: 0,
    resumed: 0,
    retried: 0,
    fetched: 0,
    reused: 0,
    kept: plan.summary.keep,
    failed: 0,
    pending: 0,
    skipped: 0,
    notPushed: 0,
    videoSeconds: 0,
    wallMs: 0,
    interrupted: false,
  };
}
