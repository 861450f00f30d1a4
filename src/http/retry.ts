/**
 * The retry policy, as pure functions: no I/O, no timers, randomness and the clock injected.
 * The HTTP client and the downloader are the only retry layer; nothing above them retries
 * a request again.
 */
import type { RetryMode } from './types.js';

export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  capDelayMs: number;
  /** A server asking us to wait longer than this is answered with a failure, not a hang. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  capDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** What one attempt ended with, reduced to what the policy needs to know. */
export type Outcome =
  /** `outOfCredit`: the body said the account cannot pay; no retry changes that. */
  | { kind: 'response'; status: number; headers: Record<string, string>; outOfCredit?: boolean }
  | { kind: 'network'; code: string; requestSent: boolean }
  | { kind: 'timeout'; phase: 'connect' | 'headers' | 'body' };

/** Statuses worth repeating a safe request for (the OpenAI SDK's list). */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Whether the attempt that just failed (1-based `attempt`) should be followed by another.
 * Submits without an idempotency key are special: such a POST is repeated only when no job
 * can have been created; a server's `x-should-retry: true` cannot change that. A keyed
 * submit is as safe to repeat as a GET: the API replays the first answer for the same key.
 */
export function shouldRetry(
  mode: RetryMode,
  outcome: Outcome,
  attempt: number,
  policy: RetryPolicy,
  now: number = Date.now(),
): boolean {
  if (mode === 'none') return false;
  if (attempt >= policy.maxAttempts) return false;

  switch (outcome.kind) {
    case 'network':
      return mode !== 'submit' || !outcome.requestSent;
    case 'timeout':
      return mode !== 'submit' || outcome.phase === 'connect';
    case 'response': {
      if (outcome.outOfCredit) return false;
      const retryable = mode === 'submit' ? submitResponseRetryable(outcome, now) : idempotentResponseRetryable(outcome);
      if (!retryable) return false;
      const asked = serverRequestedDelayMs(outcome.headers, now);
      return asked === undefined || asked <= policy.maxRetryAfterMs;
    }
  }
}

function idempotentResponseRetryable(outcome: { status: number; headers: Record<string, string> }): boolean {
  const override = headerValue(outcome.headers, 'x-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  return isRetryableStatus(outcome.status);
}

function submitResponseRetryable(outcome: { status: number; headers: Record<string, string> }, now: number): boolean {
  // A server saying "don't" is always safe to obey; a server saying "do" is not trusted for a POST that bills.
  if (headerValue(outcome.headers, 'x-should-retry') === 'false') return false;
  if (outcome.status === 429) return true;
  // A 503 that names a time to come back is a load-shedder refusing the request, not a job half made.
  return outcome.status === 503 && serverRequestedDelayMs(outcome.headers, now) !== undefined;
}

/**
 * How long to wait before the next attempt: the server's `retry-after-ms`, then its
 * `Retry-After` (seconds or an HTTP date relative to `now`), else full jitter
 * `random() * min(cap, base * 2^(attempt-1))`.
 */
export function retryDelay(
  attempt: number,
  headers: Record<string, string> | undefined,
  policy: RetryPolicy,
  random: () => number,
  now: number = Date.now(),
): number {
  const asked = headers ? serverRequestedDelayMs(headers, now) : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  return Math.floor(random() * backoffCeiling(attempt, policy));
}

/**
 * The wait before the next attempt of a request sent in `mode` that ended with `outcome`.
 * A 409 to a keyed submission means the first request with that key is still being
 * processed (HeyGen's `request_in_progress`): asking again at once only collects another
 * 409, so without a hint from the server it waits the whole backoff step, not a jittered
 * share of it, and the attempts span seconds whatever the dice say.
 */
export function retryDelayAfter(
  mode: RetryMode,
  outcome: Outcome,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  now: number = Date.now(),
): number {
  if (outcome.kind !== 'response') return retryDelay(attempt, undefined, policy, random, now);
  const inProgress = mode === 'keyed-submit' && outcome.status === 409;
  if (inProgress && serverRequestedDelayMs(outcome.headers, now) === undefined) return backoffCeiling(attempt, policy);
  return retryDelay(attempt, outcome.headers, policy, random, now);
}

/** `min(cap, base * 2^(attempt-1))`: the longest a jittered wait after `attempt` may be. */
function backoffCeiling(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** The wait the server asked for, in ms, or undefined when it asked for none (or said something unparseable). */
export function serverRequestedDelayMs(headers: Record<string, string>, now: number): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const value = Number(ms.trim());
    if (ms.trim() !== '' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const after = headerValue(headers, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Header lookup that does not trust the caller to have lower-cased the names. */
function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
