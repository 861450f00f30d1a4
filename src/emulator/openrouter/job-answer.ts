import { createHash } from 'node:crypto';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import type { RouteContext } from '../router.js';
import { emulatedModel, jobCost } from './models.js';

/** The six statuses of reference/openrouter-videos.md §3. */
export type VideoStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'expired';

/** Where the job stands now; a completed job past its time-to-live (`contentTtlMs`) has expired. */
export function videoStatus(job: JobRecord, ctx: Pick<RouteContext, 'env' | 'now'>): VideoStatus {
  const status = jobStatusAt(job.facts, ctx.now);
  switch (status.state) {
    case 'queued':
      return 'pending';
    case 'running':
      return 'in_progress';
    case 'failed':
      return job.facts.extra?.cancelled === true ? 'cancelled' : 'failed';
    case 'completed':
      return ctx.now >= status.endsAt + ctx.env.options.contentTtlMs ? 'expired' : 'completed';
  }
}

/** `GET /videos/{id}`: `{id, polling_url, status, generation_id?, unsigned_urls?, usage?, error?}` (§3). */
export function jobAnswer(job: JobRecord, ctx: Pick<RouteContext, 'env' | 'now' | 'origin'>): Record<string, unknown> {
  const path = `/api/v1/videos/${encodeURIComponent(job.id)}`;
  const status = videoStatus(job, ctx);
  const answer: Record<string, unknown> = {
    id: job.id,
    polling_url: job.facts.extra?.absolutePollingUrl === true ? `${ctx.origin}${path}` : path,
    status,
  };
  if (status === 'pending') return answer;
  answer.generation_id = `gen-${createHash('sha256').update(job.id).digest('hex').slice(0, 24)}`;
  switch (status) {
    case 'completed':
      answer.unsigned_urls = [`${ctx.origin}${path}/content?index=0`];
      answer.usage = usageOf(job);
      break;
    case 'expired':
      // Billed when it completed; the output is gone.
      answer.usage = usageOf(job);
      break;
    case 'failed':
      answer.error =
        job.facts.moderated === true
          ? 'The video provider refused the request: content policy violation (emulated moderation).'
          : 'Video generation failed upstream (emulated failure).';
      break;
    default:
      break;
  }
  return answer;
}

/** `usage` of a finished job: its cost from the emulator's price table (§5). */
function usageOf(job: JobRecord): { cost: number | null; is_byok: boolean } {
  const model = emulatedModel(job.facts.model ?? '');
  const seconds = job.facts.extra?.duration;
  return { cost: model && typeof seconds === 'number' ? jobCost(model, seconds) : null, is_byok: false };
}
