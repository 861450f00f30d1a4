/**
 * What an error from a provider call means for the shot: the words people see, the class
 * recorded in the lock, and the questions the runner asks (was anything created? is the
 * video gone?). Pure.
 */
import { describeError, type ErrorInfo } from '../errors.js';
import { classifyError } from '../providers/classify.js';
import type { Provider } from '../providers/types.js';

/** Kinds of HTTP failure that asking again will not fix. */
const PERMANENT_KINDS = new Set(['auth', 'credit', 'client']);

/** describeError plus the class the provider's module gives it (DESIGN.md "Executor"). */
export function describeFailure(error: unknown, provider: Provider): ErrorInfo {
  return { ...describeError(error), class: provider.classify?.(error) ?? classifyError(error) };
}

function errorKind(error: unknown): string | undefined {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

export function errorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function retryAfterOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}

/** Busy, come back later: nothing was created (the rule the HTTP layer's submit retries follow too). */
export function refusedAtTheDoor(error: unknown): boolean {
  return errorKind(error) === 'rate_limit' || (errorStatus(error) === 503 && retryAfterOf(error) !== undefined);
}

export function isPermanent(error: unknown): boolean {
  const kind = errorKind(error);
  return kind !== undefined && PERMANENT_KINDS.has(kind);
}

/**
 * A 4xx (or a 503 asking to come back) to a submission: the provider created nothing. Except
 * a 409 to a keyed submission: `request_in_progress` means the first request with this key is
 * still being made into a job, so the intent (and its key) must stay for the next apply.
 */
export function wasRefused(error: unknown, keyed = false): boolean {
  const status = errorStatus(error);
  if (keyed && status === 409) return false;
  return (status !== undefined && status >= 400 && status < 500) || refusedAtTheDoor(error);
}

/** The provider no longer has the video, or its temporary URL expired (ask for a fresh one). */
export function isGoneError(error: unknown): boolean {
  const status = errorStatus(error);
  return status === 403 || status === 404 || status === 410;
}

/**
 * The video is gone for good: 404/410 even from a fresh URL. (A 403 may be the key, not
 * the video: that is never taken as gone, or a failed key would cost a regeneration.)
 */
export function isDefinitelyGone(error: unknown): boolean {
  const status = errorStatus(error);
  return status === 404 || status === 410;
}
