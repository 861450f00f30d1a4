import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/**
 * OpenRouter: `{"error":{"code":<the HTTP status as an int>,"message","metadata?"}}`
 * (reference/openrouter-videos.md §8).
 */
export function openRouterError(
  status: number,
  message: string,
  options: { metadata?: Record<string, unknown>; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const error: Record<string, unknown> = { code: status, message };
  if (options.metadata !== undefined) error.metadata = options.metadata;
  return jsonResponse(status, { error }, options.headers);
}

/** The 400 every validation failure is. */
export function openRouterInvalid(message: string): EmulatorResponse {
  return openRouterError(400, message);
}

export const openRouterErrors: ErrorDialect = {
  // Never echo the key, not even masked.
  unauthorized: (missing) => openRouterError(401, missing ? 'No auth credentials found' : 'User not found.'),
  outOfCredit: () => openRouterError(402, 'Insufficient credits. Add more credits to your account to continue (emulated).'),
  rateLimited: () =>
    openRouterError(429, 'Rate limit exceeded. Please slow down.', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } }),
  // 503 is OpenRouter's "no eligible provider" (§8): nothing was created, Retry-After says when to ask again.
  serverError: (creates) =>
    creates
      ? openRouterError(503, 'No available provider could serve this request right now; nothing was created.', {
          headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
        })
      : openRouterError(500, 'Internal Server Error'),
  noRoute: (method, path) => openRouterError(404, `No route for ${method} ${path}`),
};

/** The documents name no request-id header for OpenRouter, so the emulator sends none. */
export const openRouterRequestId = (): Record<string, string> => ({});
