import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/** Google APIs: `{"error":{"code":<HTTP status>,"message","status":<google.rpc.Code name>}}`. */
export function googleError(status: number, rpcStatus: string, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(status, { error: { code: status, message, status: rpcStatus } }, headers);
}

export function invalidArgument(message: string): EmulatorResponse {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

export const vertexErrors: ErrorDialect = {
  unauthorized: () =>
    googleError(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    ),
  // Google documents no Retry-After on quota answers; clients back off on their own.
  rateLimited: () =>
    googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model (emulated).'),
  serverError: (creates) =>
    creates
      ? googleError(503, 'UNAVAILABLE', 'The service is currently unavailable; nothing was created (emulated).', { 'retry-after': String(RETRY_AFTER_SECONDS) })
      : googleError(500, 'INTERNAL', 'Internal error encountered (emulated).'),
  noRoute: (method, path) => googleError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server (${method}).`),
  // Google has no 402: a project whose billing is off is refused with this 403.
  outOfCredit: () =>
    googleError(
      403,
      'PERMISSION_DENIED',
      'This API method requires billing to be enabled. Please enable billing on the project, then retry (emulated).',
    ),
};

/** Vertex sends no request-id header a client could quote. */
export const vertexRequestId = (): Record<string, string> => ({});
