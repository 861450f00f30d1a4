import { RETRY_AFTER_SECONDS } from '../faults.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/**
 * Runway's error bodies are `{"error": "…"}` (reference "Errors"): 400 bad input, 401, 404,
 * 405, 429 (too many requests or integration limits), 502/503 (load shedding), 504. The
 * wording is the emulator's own; validation failures add the offending fields as `issues`.
 */
export function runwayError(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(status, { error: message, ...extra }, headers);
}

export interface Issue {
  path: string;
  message: string;
}

export function runwayInvalid(issues: Issue[]): EmulatorResponse {
  return runwayError(400, issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), { issues });
}

export const runwayErrors: ErrorDialect = {
  // Never echoes the secret.
  unauthorized: (missing) => runwayError(401, missing ? 'Missing API key: pass it as a Bearer token.' : 'Invalid API key.'),
  rateLimited: () => runwayError(429, 'Too many requests. Slow down and try again.', {}, { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  serverError: (creates) =>
    creates
      ? runwayError(503, 'The service is shedding load; nothing was created. Try again shortly.', {}, { 'retry-after': String(RETRY_AFTER_SECONDS) })
      : runwayError(502, 'Bad gateway. Try again shortly.'),
  noRoute: (method, path) => runwayError(404, `No route for ${method} ${path}`),
  // Out of credit is not among the documented statuses ([?]); a 400 in Runway's own shape.
  outOfCredit: () => runwayError(400, 'You do not have enough credits to run this task.'),
};
