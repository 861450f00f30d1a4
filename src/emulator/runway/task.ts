/**
 * A Runway task as `GET /v1/tasks/{id}` shows it at a moment (reference/replicate-and-runway.md,
 * "Task"): `THROTTLED` while the account has no free concurrency slot, `PENDING`, `RUNNING`
 * with `progress` 0–1, then `SUCCEEDED` (output URLs signed afresh on every answer, expiring
 * after urlTtlMs), `FAILED` (`failure`, `failureCode`) or `CANCELLED`.
 */
import type { JobKind } from '../job-id.js';
import { JobNotes } from '../job-notes.js';
import type { JobRecord } from '../jobs.js';
import type { RouteContext } from '../router.js';
import { signVideoUrl } from '../storage/video-urls.js';

export const RUNWAY_JOBS: JobKind = { api: 'runway', prefix: 'task-' };

/** When a task was cancelled through `DELETE /v1/tasks/{id}` while it was not finished. */
export const cancellations = new JobNotes<number>();

/** The share of a task's own run (after any throttling) it spends PENDING. */
const PENDING_SHARE = 0.1;

export type TaskStatus = 'THROTTLED' | 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** When the task ends (or ended), from its id alone or its cancellation. */
export function taskEndsAt(ctx: RouteContext, job: JobRecord): number {
  const endsAt = job.facts.createdAt + job.facts.latencyMs;
  const cancelledAt = cancellations.get(ctx.env.jobs, job.id);
  return cancelledAt !== undefined && cancelledAt < endsAt ? cancelledAt : endsAt;
}

/**
 * Where a task stands now, from its id (`extra.throttled`: ms it waits THROTTLED for a slot;
 * `extra.end`: how a failing, unmoderated task ends) and any cancellation.
 */
export function taskStatus(ctx: RouteContext, job: JobRecord): { status: TaskStatus; progress?: number } {
  const { facts } = job;
  const throttledMs = typeof facts.extra?.throttled === 'number' ? facts.extra.throttled : 0;
  const endsAt = facts.createdAt + facts.latencyMs;
  const cancelledAt = cancellations.get(ctx.env.jobs, job.id);
  if (cancelledAt !== undefined && cancelledAt < endsAt && ctx.now >= cancelledAt) return { status: 'CANCELLED' };
  const elapsed = ctx.now - facts.createdAt;
  if (elapsed < throttledMs) return { status: 'THROTTLED' };
  const runMs = facts.latencyMs - throttledMs;
  if (ctx.now < endsAt) {
    if (elapsed - throttledMs < runMs * PENDING_SHARE) return { status: 'PENDING' };
    return { status: 'RUNNING', progress: Math.floor((100 * (elapsed - throttledMs)) / runMs) / 100 };
  }
  if (!facts.fails) return { status: 'SUCCEEDED' };
  return { status: !facts.moderated && facts.extra?.end === 'cancelled' ? 'CANCELLED' : 'FAILED' };
}

export function taskResource(ctx: RouteContext, job: JobRecord): Record<string, unknown> {
  const { status, progress } = taskStatus(ctx, job);
  const task: Record<string, unknown> = { id: job.id, status, createdAt: new Date(job.facts.createdAt).toISOString() };
  if (progress !== undefined) task.progress = progress;
  if (status === 'SUCCEEDED') task.output = [signVideoUrl(ctx.origin, RUNWAY_JOBS.api, job.id, ctx.now, ctx.env.options.urlTtlMs)];
  if (status === 'FAILED') Object.assign(task, failureOf(job));
  return task;
}

/**
 * Runway's task-failure codes (reference "Task failures"): SAFETY.INPUT.* and SAFETY.OUTPUT.*
 * for content refusals, INTERNAL.BAD_OUTPUT.* for outputs its own checks rejected. Which
 * refusal a moderated job gets alternates by its nonce, so both families are seen.
 */
function failureOf(job: JobRecord): { failure: string; failureCode: string } {
  if (job.facts.moderated) {
    return job.facts.nonce % 2 === 0
      ? { failure: 'The prompt was rejected by content moderation (emulated).', failureCode: 'SAFETY.INPUT.TEXT' }
      : { failure: 'The generated video was rejected by content moderation (emulated).', failureCode: 'SAFETY.OUTPUT.VIDEO' };
  }
  return { failure: 'The output did not pass quality checks (emulated failure).', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' };
}
