import { randomUUID } from 'node:crypto';
import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/**
 * fal's error shapes (reference/fal-queue.md, "Errors, retries, billing"): model errors are
 * `{"detail":[{loc,msg,type}]}` with `X-Fal-Retryable`; infrastructure errors are
 * `{"detail":"…","error_type":"…"}` with `X-Fal-Error-Type`; older endpoints send `detail`
 * as a plain string.
 */

export interface DetailItem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export function falModelError(status: number, items: DetailItem[], retryable: boolean): EmulatorResponse {
  return jsonResponse(status, { detail: items }, { 'x-fal-retryable': String(retryable) });
}

export function falInfraError(status: number, errorType: string, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(status, { detail: message, error_type: errorType }, { 'x-fal-error-type': errorType, ...headers });
}

/** `{"detail":"…"}`: what the gateway says about paths, keys and missing requests (wording not documented). */
export function falDetail(status: number, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(status, { detail: message }, headers);
}

export const falErrors: ErrorDialect = {
  // Never echoes the key, not even masked.
  unauthorized: (missing) => falDetail(401, missing ? 'Missing credentials: send Authorization: Key <FAL_KEY>' : 'Invalid credentials'),
  rateLimited: () => falDetail(429, 'Too many requests', { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  // A refused submission is a 503 with Retry-After before any request exists; anything else
  // is the platform's own failure (internal_error), not a job's.
  serverError: (creates) =>
    creates
      ? falInfraError(503, 'runner_scheduling_failure', 'No runner could be scheduled; nothing was queued. Retry later.', {
          'retry-after': String(RETRY_AFTER_SECONDS),
        })
      : falInfraError(500, 'internal_error', 'Internal server error'),
  noRoute: (method, path) => falDetail(404, `No route for ${method} ${path}`),
  // The document gives no out-of-credit answer; 402 is HTTP's own status for it.
  outOfCredit: () => falDetail(402, 'Insufficient balance: add credit to your fal account to continue'),
};

export const falRequestId = (): Record<string, string> => ({ 'x-fal-request-id': randomUUID() });
