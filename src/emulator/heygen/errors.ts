import { randomUUID } from 'node:crypto';
import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/** HeyGen: `{"error":{"code","message","param?"}}`, with a request id in `X-Request-Id`. */
export function heygenError(
  status: number,
  code: string,
  message: string,
  options: { param?: string; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const error: Record<string, string> = { code, message };
  if (options.param !== undefined) error.param = options.param;
  return jsonResponse(status, { error }, options.headers);
}

/** The v1 workflow API and v3 share HeyGen's error envelope and its key header. */
export const heygenErrors: ErrorDialect = {
  unauthorized: (missing) => heygenError(401, 'invalid_api_key', missing ? 'Missing X-Api-Key header.' : 'Invalid API key.'),
  rateLimited: () =>
    heygenError(429, 'rate_limit_exceeded', 'Too many requests, please retry later.', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } }),
  serverError: (creates) =>
    creates
      ? heygenError(503, 'service_unavailable', 'The service is temporarily overloaded; nothing was created. Retry later.', {
          headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
        })
      : heygenError(500, 'internal_error', 'Internal server error.'),
  noRoute: (method, path) => heygenError(404, 'not_found', `No route for ${method} ${path}`),
  outOfCredit: () => heygenError(402, 'insufficient_credit', 'Insufficient credit. Add credit to your account to continue.'),
};

export const heygenRequestId = (): Record<string, string> => ({ 'X-Request-Id': randomUUID() });
