/**
 * What fal's result URL says about a request that reached COMPLETED (reference/fal-queue.md,
 * "Result" and "Errors, retries, billing"). COMPLETED means finished, not succeeded: the
 * result is the model's output, or the model's own error status and body, and the error
 * shows only here (there is no FAILED status).
 */
import { z } from 'zod';
import type { FailureClass } from '../module.js';

/** Statuses the result URL answers with as the job's outcome (or its absence), not as a failed request. */
export const RESULT_ANSWER_STATUSES: readonly number[] = [400, 404, 410, 422, 499, 500, 502, 503, 504];

export type ResultOutcome =
  | { kind: 'video'; url: string }
  | { kind: 'failed'; error: { code: string; message: string; class: FailureClass } }
  /** No result any more (kept 1 hour, 6 minutes at 10 KB or more) or never known. */
  | { kind: 'gone' }
  /** A 5xx that carries nothing of fal's error shapes: the request failed, not (knowably) the job. */
  | { kind: 'unclear' };

const VideoResult = z.object({ video: z.object({ url: z.string().regex(/^https?:\/\//) }) });

// `loc` and `msg` are required by fal's error document, but some endpoints do not follow it yet: all optional.
const ErrorItem = z.object({
  loc: z.array(z.union([z.string(), z.number()])).nullish().catch(undefined),
  msg: z.string().nullish().catch(undefined),
  type: z.string().nullish().catch(undefined),
});
const ErrorBody = z.object({
  detail: z.union([z.string(), z.array(z.unknown())]).nullish().catch(undefined),
  error_type: z.string().nullish().catch(undefined),
});

/** Infrastructure error types raised by the runner that ran the job (the request-errors page). */
const RUNNER_ERROR = /^(runner_|request_timeout$|startup_timeout$)/;
const MAX_MESSAGE = 300;

export function resultOutcome(status: number, headers: Record<string, string>, body: unknown): ResultOutcome {
  if (status >= 200 && status < 300) {
    const result = VideoResult.safeParse(body);
    if (result.success) return { kind: 'video', url: result.data.video.url };
    return { kind: 'failed', error: { code: 'no_output', message: 'fal finished the request but its result holds no video URL', class: 'failed' } };
  }
  if (status === 404 || status === 410) return { kind: 'gone' };

  const parsed = ErrorBody.safeParse(body);
  const detail = parsed.success ? parsed.data.detail : undefined;
  const items = Array.isArray(detail)
    ? detail.flatMap((item) => {
        const entry = ErrorItem.safeParse(item);
        return entry.success ? [entry.data] : [];
      })
    : [];
  const errorType = headers['x-fal-error-type'] ?? (parsed.success ? (parsed.data.error_type ?? undefined) : undefined);
  const retryable = headers['x-fal-retryable']?.trim().toLowerCase();
  const code = items.find((item) => item.type)?.type ?? errorType ?? `http_${status}`;
  const message = describe(status, typeof detail === 'string' ? detail : undefined, items);

  if (items.some((item) => item.type === 'content_policy_violation')) return failed(code, message, 'moderation');
  if (status >= 500) {
    // The model's own error (a detail list) or its runner's: the job's outcome, which fal does
    // not charge for. Anything else may be a proxy's failure on the way to a good result.
    const jobs = items.length > 0 || (errorType !== undefined && RUNNER_ERROR.test(errorType));
    if (!jobs) return { kind: 'unclear' };
    return failed(code, message, retryable === 'false' ? 'failed' : 'transient');
  }
  // A 4xx: the model refused the input, unless fal says asking again may work (or it was cancelled).
  if (retryable === 'true' || status === 499) return failed(code, message, 'failed');
  return failed(code, message, 'invalid');
}

function failed(code: string, message: string, failureClass: FailureClass): ResultOutcome {
  return { kind: 'failed', error: { code, message, class: failureClass } };
}

function describe(status: number, text: string | undefined, items: z.output<typeof ErrorItem>[]): string {
  const parts = items.map((item) => {
    const where = item.loc && item.loc.length > 0 ? ` (${item.loc.join('.')})` : '';
    return `${item.msg ?? item.type ?? 'error'}${where}`;
  });
  const said = text ?? parts.join('; ');
  const message = said ? `fal: ${said}` : `fal answered ${status} for the result without a reason`;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}
