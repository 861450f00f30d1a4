import { randomBytes } from 'node:crypto';
import { RETRY_AFTER_SECONDS } from '../faults.js';
import type { EmulatorResponse } from '../http-io.js';
import type { ErrorDialect } from '../router.js';

/** Object storage (the host of temporary video URLs and uploaded files) answers in S3's XML. */
export function storageError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>\n`;
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: Buffer.from(xml, 'utf8') };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const storageErrors: ErrorDialect = {
  // Storage takes no key; nothing asks for one.
  unauthorized: () => storageError(403, 'AccessDenied', 'Access Denied'),
  rateLimited: () => storageError(503, 'SlowDown', 'Please reduce your request rate.', { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  serverError: () => storageError(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  noRoute: (method, path) => storageError(404, 'NoSuchKey', `No route for ${method} ${path}`),
  outOfCredit: () => storageError(403, 'AccessDenied', 'Access Denied'),
};

export const storageRequestId = (): Record<string, string> => ({ 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase() });
