/**
 * What OpenRouter's answers mean (reference/openrouter-videos.md §3, §5, §8): the job answer
 * as a PollResult, and an HTTP error as a failure class.
 */
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { LockRemote } from '../../lock/types.js';
import { classifyError, jobFailureClass } from '../classify.js';
import type { FailureClass } from '../module.js';
import { optionalString, parseAnswer } from '../response.js';
import type { PollResult } from '../types.js';

/** `202 {id, polling_url, status}`; `generation_id` only in the spec's example. */
export const SubmitAnswer = z.object({
  id: z.string().min(1),
  polling_url: optionalString,
  generation_id: optionalString,
});

// Everything but the status is optional, and an optional field in an unexpected shape is
// treated as absent: the spec, the SDK and the newer API page disagree in places (§12).
const JobAnswer = z.object({
  status: z.string(),
  generation_id: optionalString,
  unsigned_urls: z.array(z.string()).nullish().catch(undefined),
  usage: z
    .object({ cost: z.union([z.number(), z.string()]).nullish().catch(undefined) })
    .nullish()
    .catch(undefined),
  // A plain string in the spec; an object form is hinted at by newer pages [?]: take either.
  error: z
    .union([z.string(), z.object({ code: z.union([z.string(), z.number()]).nullish(), message: optionalString })])
    .nullish()
    .catch(undefined),
});

type JobAnswer = z.output<typeof JobAnswer>;

/**
 * `usage.cost` in USD, when the job reports one (completed jobs, §5). A string that is a
 * number is taken too; anything else, or a negative amount, is no report at all.
 */
function costOf(answer: JobAnswer): number | undefined {
  const raw = answer.usage?.cost;
  const cost = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

function errorText(answer: JobAnswer): { code?: string; message?: string } {
  const error = answer.error;
  if (typeof error === 'string') return error.trim() === '' ? {} : { message: error };
  if (!error) return {};
  return {
    ...(error.code != null ? { code: String(error.code) } : {}),
    ...(error.message ? { message: error.message } : {}),
  };
}

function failure(status: string, answer: JobAnswer): NonNullable<PollResult['error']> {
  const { code, message } = errorText(answer);
  switch (status) {
    case 'cancelled':
      return { code: code ?? 'cancelled', message: message ?? 'OpenRouter reports the job cancelled', class: 'failed' };
    case 'expired':
      // The job outlived its time-to-live at OpenRouter (§3): generating again is the only way.
      return { code: code ?? 'expired', message: message ?? 'OpenRouter reports the job expired (it outlived its time-to-live)', class: 'failed' };
    default: {
      // `error` is free text from the upstream model, without a code for a content-policy
      // refusal (§3): a refusal is recognised by its words, as other APIs' codes are.
      const text = message ?? 'OpenRouter reported failure without a reason';
      const failureClass = jobFailureClass(`${code ?? ''} ${text}`);
      return { code: code ?? (failureClass === 'moderation' ? 'content_policy' : 'generation_failed'), message: text, class: failureClass };
    }
  }
}

/**
 * One poll answer. `remote` is what the submission recorded (the generation id joins it when it
 * appears); `contentUrl` turns `unsigned_urls[0]` (absent when none came) into the URL to download.
 */
export function pollResultFrom(
  body: unknown,
  jobId: string,
  remote: LockRemote,
  contentUrl: (unsigned: string | undefined) => string,
  purpose: string,
  secrets: string[],
): PollResult {
  const answer = parseAnswer(JobAnswer, body, purpose, secrets);
  const known: LockRemote = answer.generation_id ? { ...remote, generation_id: answer.generation_id } : remote;
  const withRemote = Object.keys(known).length > 0 ? { remote: known } : {};
  const cost = costOf(answer);
  const extras = { ...withRemote, ...(cost === undefined ? {} : { reportedCost: cost }) };
  switch (answer.status) {
    case 'pending':
      return { state: 'queued', ...extras };
    case 'completed':
      return { state: 'completed', progress: 100, job: { jobId, url: contentUrl(answer.unsigned_urls?.[0]), ...withRemote }, ...extras };
    case 'failed':
    case 'cancelled':
    case 'expired':
      return { state: 'failed', error: failure(answer.status, answer), ...extras };
    default:
      // in_progress, and any status the document does not name: not done yet (the executor's timeout bounds it).
      return { state: 'running', ...extras };
  }
}

/**
 * The failure class of an error from submit, poll or download (DESIGN.md "Executor"): as for
 * any API (providers/classify.ts; a submission's 403 arrives named as a moderation refusal,
 * see client.ts), except that a 408 (a timeout, §8) is worth asking again.
 */
export function classifyOpenRouterError(error: unknown): FailureClass {
  if (error instanceof HttpError && error.status === 408) return 'transient';
  return classifyError(error);
}
