import { jobStatusAt, type JobRecord, type JobStatus } from '../jobs.js';


export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

/** OpenAI's VideoResource, every required field present (reference/openai-videos.openapi.yaml). */
export interface VideoResource {
  id: string;
  object: 'video';
  model: string;
  status: VideoStatus;
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string | null;
  size: string;
  seconds: string;
  remixed_from_video_id: string | null;
  error: { code: string; message: string } | null;
}

/** `contentTtlMs`: how long a finished video stays downloadable (OpenAI: about an hour). */
export function videoResource(job: JobRecord, now: number, contentTtlMs: number): VideoResource {
  const status = jobStatusAt(job.facts, now);
  const completedAt = status.state === 'completed' ? toSeconds(status.endsAt) : null;
  return {
    id: job.id,
    object: 'video',
    model: job.facts.model ?? 'sora-2',
    status: videoStatus(status),
    progress: status.progress,
    created_at: toSeconds(job.facts.createdAt),
    completed_at: completedAt,
    expires_at: completedAt === null ? null : toSeconds(contentExpiresAtMs(status, contentTtlMs)),
    // Jobs created by another emulator process come back without their prompt, as
    // resellers send nulls where OpenAI sends values.
    prompt: job.prompt ?? null,
    size: job.facts.size ?? '720x1280',
    seconds: job.facts.seconds ?? '4',
    remixed_from_video_id: job.remixedFrom ?? null,
    error: status.state === 'failed' ? failureOf(job) : null,
  };
}

/** The spec only says `{code, message}`; `moderation_blocked` is the emulator's own word for a refusal. */
function failureOf(job: JobRecord): { code: string; message: string } {
  return job.facts.moderated
    ? { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system (emulated).' }
    : { code: 'video_generation_failed', message: 'Video generation failed (emulated failure).' };
}

export function videoStatus(status: JobStatus): VideoStatus {
  return status.state === 'running' ? 'in_progress' : status.state;
}

/** Whether a completed job's content can no longer be downloaded. */
export function contentExpired(status: JobStatus, now: number, contentTtlMs: number): boolean {
  return status.state === 'completed' && now >= contentExpiresAtMs(status, contentTtlMs);
}

/** `completed_at` plus the lifetime, in whole seconds as `expires_at` says it, so the field and the server never disagree. */
function contentExpiresAtMs(status: JobStatus, contentTtlMs: number): number {
  return (toSeconds(status.endsAt) + Math.ceil(contentTtlMs / 1000)) * 1000;
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
