/**
 * What a `fetchPredictOperation` answer says about a job (reference/vertex-veo.md "Polling"):
 * a google.longrunning.Operation whose `response` is a GenerateVideoResponse. Pure.
 *
 * Unknown keys are ignored and fields in an unexpected shape count as absent: the metadata,
 * its progress fields and partial filtering are all undocumented.
 */
import { z } from 'zod';
import type { FailureClass } from '../../lock/types.js';
import { progressFrom } from '../response.js';

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const OperationAnswer = z.object({
  done: optional(z.boolean()),
  metadata: optional(z.object({ progressPercent: z.unknown().optional() })),
  error: optional(z.object({ code: optional(z.number()), message: optional(z.string()), status: optional(z.string()) })),
  response: optional(
    z.object({
      videos: optional(z.array(z.unknown())),
      generatedSamples: optional(z.array(z.unknown())),
      raiMediaFilteredCount: optional(z.number()),
      raiMediaFilteredReasons: optional(z.array(z.unknown())),
    }),
  ),
});

export type OperationOutcome =
  | { state: 'running'; progress?: number }
  /** A video in Cloud Storage (inline videos are told apart before parsing: HttpResponse.inlineVideo). */
  | { state: 'stored'; gcsUri: string }
  | { state: 'failed'; error: { code: string; message: string; class: FailureClass } };

/** google.rpc.Code numbers, and the words for them (code.proto in googleapis). */
const RPC_STATUS: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** Quota and overload: nothing wrong with the shot, asking later works. */
const TRANSIENT = new Set(['RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED']);
/** The request (or the project) is wrong: the same request fails the same way. */
const INVALID = new Set(['INVALID_ARGUMENT', 'FAILED_PRECONDITION', 'NOT_FOUND', 'OUT_OF_RANGE', 'PERMISSION_DENIED', 'UNAUTHENTICATED', 'UNIMPLEMENTED']);

/**
 * Vertex's words for a prompt or image its safety filters refused. Not in the reference (which
 * only documents filtered results), so matched loosely on the message: "usage guidelines",
 * "Responsible AI", "safety".
 */
export const VERTEX_REFUSAL = /usage guidelines|responsible ai|\bsafety\b|prohibited content/i;

export function operationOutcome(body: unknown): OperationOutcome | { state: 'malformed'; problem: string } {
  const parsed = OperationAnswer.safeParse(body);
  if (!parsed.success) return { state: 'malformed', problem: 'not an operation object' };
  const { done, metadata, error, response } = parsed.data;

  // `error` and `response` only ever come with done: true; either one ends the job.
  if (error) return { state: 'failed', error: jobError(error) };
  const sample = [...(response?.videos ?? []), ...(response?.generatedSamples ?? [])].map(gcsUriOf).find((uri) => uri !== undefined);
  if (sample !== undefined) return { state: 'stored', gcsUri: sample };
  if (!done && !response) {
    const progress = progressFrom(metadata?.progressPercent);
    return progress === undefined ? { state: 'running' } : { state: 'running', progress };
  }
  const filtered = response?.raiMediaFilteredCount ?? 0;
  if (filtered > 0) return { state: 'failed', error: filteredError(filtered, response?.raiMediaFilteredReasons ?? []) };
  const hasEntries = (response?.videos?.length ?? 0) + (response?.generatedSamples?.length ?? 0) > 0;
  return {
    state: 'failed',
    error: {
      code: 'no_output',
      message: hasEntries ? 'the operation finished with a video entry that has no gcsUri' : 'the operation finished without a video',
      class: 'failed',
    },
  };
}

/** `{gcsUri}` in `videos`; `generatedSamples` holds URI strings or `{video: {uri}}` (both seen in schemas): accept either. */
function gcsUriOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry.startsWith('gs://') ? entry : undefined;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { gcsUri, uri, video } = entry as { gcsUri?: unknown; uri?: unknown; video?: unknown };
  for (const candidate of [gcsUri, uri]) if (typeof candidate === 'string' && candidate.startsWith('gs://')) return candidate;
  return video === undefined ? undefined : gcsUriOf(video);
}

function jobError(error: { code?: number | null | undefined; message?: string | null | undefined; status?: string | null | undefined }): {
  code: string;
  message: string;
  class: FailureClass;
} {
  // Some answers carry the HTTP status (429) where the rpc code (8) belongs.
  const status = error.status ?? (error.code === 429 ? 'RESOURCE_EXHAUSTED' : error.code != null ? RPC_STATUS[error.code] : undefined) ?? 'UNKNOWN';
  const message = error.message ?? `the operation failed (${status})`;
  const failureClass: FailureClass = VERTEX_REFUSAL.test(message) ? 'moderation' : TRANSIENT.has(status) ? 'transient' : INVALID.has(status) ? 'invalid' : 'failed';
  return { code: status, message, class: failureClass };
}

/**
 * A filtered result is not an error (`done`, `raiMediaFilteredCount`, no video): a refusal,
 * not asked again with the same spec. Except the audio filter, whose verdicts vary from one
 * try to the next (reference "Polling", js-genai#1272): that one is worth another try.
 */
function filteredError(count: number, reasons: unknown[]): { code: string; message: string; class: FailureClass } {
  const words = reasons.filter((reason): reason is string => typeof reason === 'string' && reason.trim() !== '');
  const message = words.length > 0 ? words.join('; ') : `Vertex AI filtered ${count} video(s) out (raiMediaFilteredCount ${count})`;
  const audioOnly = words.length > 0 && words.every((reason) => /\baudio\b/i.test(reason));
  return audioOnly
    ? { code: 'rai_audio_filtered', message: `${message} (the audio filter is not deterministic: the next apply tries again)`, class: 'failed' }
    : { code: 'rai_media_filtered', message, class: 'moderation' };
}
