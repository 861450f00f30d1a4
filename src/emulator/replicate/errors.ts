import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/**
 * Replicate's error bodies. The reference documents only the 429's `{"detail": "Request was
 * throttled…"}` and says to expect `detail` elsewhere ([?]); the rest follow the problem-details
 * shape Replicate's API answers with (`title`, `detail`, `status`), and validation failures list
 * `invalid_fields`.
 */
export function replicateError(status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(status, { ...extra, detail, status }, headers);
}

export interface InvalidField {
  field: string;
  description: string;
}

/** 422, as Replicate answers an input its model's schema refuses. */
export function replicateInvalid(fields: InvalidField[]): EmulatorResponse {
  const detail = fields.map((f) => `- ${f.field}: ${f.description}\n`).join('');
  return replicateError(422, detail, { title: 'Input validation failed', invalid_fields: fields.map((f) => ({ type: 'invalid', ...f })) });
}

export function replicateNotFound(): EmulatorResponse {
  return replicateError(404, 'The requested resource could not be found.', { title: 'Not found' });
}

export const replicateErrors: ErrorDialect = {
  // Never echoes the token.
  unauthorized: () => replicateError(401, 'You did not pass a valid authentication token', { title: 'Unauthenticated' }),
  rateLimited: () =>
    replicateError(429, `Request was throttled. Your rate limit resets in ~${RETRY_AFTER_SECONDS}s.`, {}, { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  serverError: (creates) =>
    creates
      ? replicateError(503, 'Service temporarily unavailable; nothing was created. Try again shortly.', { title: 'Service unavailable' }, { 'retry-after': String(RETRY_AFTER_SECONDS) })
      : replicateError(500, 'Internal server error', { title: 'Internal server error' }),
  noRoute: () => replicateNotFound(),
  outOfCredit: () =>
    replicateError(402, 'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.', {
      title: 'Insufficient credit',
    }),
};
