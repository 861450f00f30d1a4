import { randomHex } from '../random-pool.js';
import { RETRY_AFTER_MS, RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

export interface OpenAiErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

/** OpenAI: `{"error":{"message","type","param","code"}}`, param and code always present (null when unset). */
export function openaiError(status: number, fields: OpenAiErrorFields, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(
    status,
    { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } },
    headers,
  );
}

/** A 400 `invalid_request_error`, the kind every validation failure is. */
export function openaiInvalid(message: string, param: string | null, code: string | null): EmulatorResponse {
  return openaiError(400, { message, type: 'invalid_request_error', param, code });
}

export const openaiErrors: ErrorDialect = {
  unauthorized: (missing) =>
    openaiError(401, {
      // Never echo the key, not even masked.
      message: missing
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : 'Incorrect API key provided.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    }),
  rateLimited: () =>
    openaiError(
      429,
      { message: 'Rate limit reached for requests. Please try again shortly.', type: 'requests', code: 'rate_limit_exceeded' },
      { 'retry-after': String(RETRY_AFTER_SECONDS), 'retry-after-ms': String(RETRY_AFTER_MS) },
    ),
  serverError: (creates) =>
    creates
      ? openaiError(
          503,
          { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: 'service_unavailable' },
          { 'retry-after': String(RETRY_AFTER_SECONDS), 'retry-after-ms': String(RETRY_AFTER_MS) },
        )
      : openaiError(500, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' }),
  noRoute: (method, path) => openaiError(404, { message: `No route for ${method} ${path}`, type: 'invalid_request_error', code: 'unknown_url' }),
  // OpenAI answers an exhausted quota with a 429, which a client must not mistake for a rate limit.
  outOfCredit: () =>
    openaiError(429, {
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    }),
};

export const openaiRequestId = (): Record<string, string> => ({ 'x-request-id': `req_${randomHex(16)}` });
