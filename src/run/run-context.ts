import type { LimitFunction } from 'p-limit';
import { describeError, VideogenError } from '../errors.js';
import type { LockChange, LockWriter } from '../lock/lock-writer.js';
import type { Manifest } from '../manifest/types.js';
import type { Provider } from '../providers/types.js';
import type { Reporter, ShotEvent } from '../report/types.js';
import type { OutputSources } from '../storage/sources.js';
import type { Budget } from './budget.js';
import type { QuotaStops } from './quota-stops.js';
import type { JobSlots } from './slots.js';
import type { SubmissionRate } from './submission-rate.js';
import { extend } from '../util/extend.js';

/** Everything one apply run shares between its shots. */
export interface RunContext {
  manifest: Manifest;
  lock: LockWriter;
  providers: ReadonlyMap<string, Provider>;
  reporter: Reporter;
  slots: JobSlots;
  /** Per provider name, for providers with a `rate:`. */
  rates: ReadonlyMap<string, SubmissionRate>;
  downloads: LimitFunction;
  /** One recovery at a time, so two shots with the same spec cannot adopt the same job. */
  recoveries: LimitFunction;
  /** Providers that said the account is out of credit: nothing more is submitted to them. */
  quota: QuotaStops;
  /** What the run spends; under `--max-cost`, a submission is made only while it fits. */
  budget: Budget;
  /** Aborted by the first interrupt: stop submitting, polling and downloading. */
  stop: AbortSignal;
  maxDownloadBytes: number;
  random: () => number;
  now: () => number;
  /** The local cache and the store: every new output is kept there, and reused ones come from there. */
  outputs?: OutputSources;
}

export function emit(ctx: RunContext, event: Omit<ShotEvent, 'ts'>): void {
  ctx.reporter.onShot?.(extend(event, { ts: new Date(ctx.now()).toISOString() }));
}

export function isoNow(ctx: RunContext): string {
  return new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Every lock transition of a shot. A failed write (full disk, say) is not a provider error
 * and must not be handled as one: it ends the shot, naming the job the lockfile could not
 * take, since that message is then the only record of a paid job.
 */
export async function recordChange(ctx: RunContext, shotId: string, change: LockChange, jobId?: string): Promise<void> {
  try {
    await ctx.lock.update(shotId, change);
  } catch (error) {
    const job = jobId ? `; job ${jobId} exists at the provider but is not in the lockfile: keep this id` : '';
    throw new VideogenError('VIDEOGEN_LOCK_WRITE', `could not write ${ctx.lock.file}: ${describeError(error).message}${job}`, {
      cause: error,
      hint: 'free disk space or fix permissions, then run apply again',
    });
  }
}
