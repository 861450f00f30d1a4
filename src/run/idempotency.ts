/**
 * Idempotency keys for APIs that take them (HeyGen v3): one per shot and attempt, derived
 * from the lock, so the same submission always carries the same key (also after a crash)
 * and a new attempt never replays an old answer.
 */
import { createHash } from 'node:crypto';
import type { LockEntry } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';

/**
 * `vg-<spec>-<shot>-<attempt>`: the spec hash so a changed shot never replays an old job,
 * the shot id so two identical shots never share one (a shared key silently replays the
 * other shot's video), and the attempt so a retry after a failure is a new generation.
 * Within the API's 1–255 characters of `[A-Za-z0-9_:.-]`.
 */
export function idempotencyKeyFor(shot: Shot, previous: LockEntry | undefined, now: number, windowMs: number): string {
  const spec = shot.specHash.replace(/^sha256:/, '').slice(0, 32);
  const id = createHash('sha256').update(shot.id).digest('hex').slice(0, 12);
  const stem = `vg-${spec}-${id}-`;
  const earlier = previous?.idempotency_key;
  if (previous === undefined || earlier === undefined || !earlier.startsWith(stem)) return `${stem}1`;
  const attempt = Number(earlier.slice(stem.length));
  if (!Number.isSafeInteger(attempt) || attempt < 1) return `${stem}1`;
  // An intent without a job id is this same submission, interrupted: replay its key while the
  // API still remembers it. Anything else (a job id, a failure, a finished video) is a new attempt.
  const interrupted = previous.state === 'submitted' && previous.job_id === undefined;
  const submittedAt = previous.submitted_at === undefined ? Number.NaN : Date.parse(previous.submitted_at);
  if (interrupted && now - submittedAt < windowMs) return earlier;
  return `${stem}${attempt + 1}`;
}
