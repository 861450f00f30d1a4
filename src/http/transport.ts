/**
 * What undici hands back, translated: its errors into retry outcomes and HttpErrors,
 * its header objects into plain records, its body streams into bounded text.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { HttpError, displayUrl, hintFor } from './errors.js';
import { InlineVideoError, InlineVideoScanner, type JsonPath } from './inline-video.js';
import type { Outcome } from './retry.js';

/** Failures that happen before a connection exists, so the server cannot have seen the request. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
]);

/**
 * Socket and name-resolution failures: the network, not the server's answer. Clients other
 * than ours (google-auth-library's token requests, the AWS SDK) report them with these codes.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** Errors of our own making (bad arguments, a closed client): repeating them cannot help. */
const PROGRAMMING_ERROR_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  }
  return 'UNKNOWN';
}

/**
 * The retry outcome of a thrown transport error; undefined when the error is not a
 * transport failure at all (a bug, an invalid header) and must not be retried.
 * Anything not provably before the send counts as sent: for a POST that bills, guessing
 * "not sent" wrongly costs money, guessing "sent" wrongly costs one rerun.
 */
export function outcomeFromTransportError(error: unknown): Outcome | undefined {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout', phase: 'connect' };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'timeout', phase: 'headers' };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'timeout', phase: 'body' };
  if (PROGRAMMING_ERROR_CODES.has(code) || code === 'UNKNOWN' || error instanceof TypeError) return undefined;
  return { kind: 'network', code, requestSent: !NOT_SENT_CODES.has(code) };
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'response':
      return `HTTP ${outcome.status}`;
    case 'network':
      return outcome.code;
    case 'timeout':
      return `${outcome.phase} timeout`;
  }
}

/**
 * A stand-in for a transport error that keeps its name, code and (redacted) message and
 * nothing else: undici errors can hold sockets and request options, which hold headers.
 */
export function sanitizedCause(error: unknown, clean: (text: string) => string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const copy = new Error(clean(message));
  copy.name = error instanceof Error ? error.name : 'Error';
  const code = errorCode(error);
  if (code !== 'UNKNOWN') Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

export function httpErrorFromTransport(
  error: unknown,
  outcome: Outcome | undefined,
  purpose: string | undefined,
  url: string,
  clean: (text: string) => string,
  attempts: number,
): HttpError {
  const what = `${purpose ?? 'request'}: ${displayUrl(url)}`;
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  const cause = sanitizedCause(error, clean);
  if (outcome?.kind === 'timeout') {
    return new HttpError('timeout', clean(`${what}: ${outcome.phase} timeout${after}`), {
      hint: hintFor('timeout'),
      cause,
    });
  }
  const code = errorCode(error);
  const detail = cause.message.includes(code) || code === 'UNKNOWN' ? cause.message : `${cause.message} (${code})`;
  return new HttpError('network', clean(`${what}: ${detail}${after}`), { hint: hintFor('network'), cause });
}

export function abortedError(purpose: string | undefined, url: string): HttpError {
  return new HttpError('aborted', `${purpose ?? 'request'}: ${displayUrl(url)}: aborted`);
}

export function normalizeHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

export interface CappedBody {
  buffer: Buffer;
  /** True when the body was longer than the cap; the stream has then been destroyed. */
  overflow: boolean;
}

/** Thrown into a body stream that took too long as a whole; it maps to a body timeout like undici's own. */
export class BodyDeadlineError extends Error {
  readonly code = 'UND_ERR_BODY_TIMEOUT';
  constructor(ms: number) {
    super(`the answer did not finish arriving within ${ms} ms`);
    this.name = 'BodyDeadlineError';
  }
}

/**
 * Reads a body into memory up to `cap` bytes. Beyond the cap it stops reading and destroys
 * the stream, so a 50 MB "JSON" answer costs at most `cap` bytes of memory. With
 * `deadlineMs`, the whole body must arrive within that time: undici's body timeout only
 * bounds the gap between two chunks, so a server sending a byte a second would otherwise
 * hold the request open for as long as it likes.
 */
export async function readCapped(body: Readable, cap: number, deadlineMs?: number): Promise<CappedBody> {
  const timer = deadlineMs === undefined ? undefined : setTimeout(() => body.destroy(new BodyDeadlineError(deadlineMs)), deadlineMs);
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (length + bytes.length > cap) {
        chunks.push(bytes.subarray(0, cap - length));
        body.destroy();
        return { buffer: Buffer.concat(chunks), overflow: true };
      }
      chunks.push(bytes);
      length += bytes.length;
    }
    return { buffer: Buffer.concat(chunks, length), overflow: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * readCapped for a JSON answer that may hold a video inline at `path`: reading stops (and the
 * stream is destroyed) where the video begins, so it is never held, and `inlineVideo` says
 * so; without one the whole body comes back as readCapped returns it.
 */
export async function readUntilInlineVideo(
  body: Readable,
  path: JsonPath,
  cap: number,
  deadlineMs?: number,
): Promise<CappedBody & { inlineVideo?: true }> {
  const timer = deadlineMs === undefined ? undefined : setTimeout(() => body.destroy(new BodyDeadlineError(deadlineMs)), deadlineMs);
  const scanner = new InlineVideoScanner(path, cap);
  try {
    for await (const chunk of body) {
      try {
        scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array), () => {});
      } catch (error) {
        if (!(error instanceof InlineVideoError)) throw error;
        body.destroy();
        return { buffer: Buffer.from(scanner.skeleton(), 'utf8'), overflow: true };
      }
      if (scanner.videoStarted) {
        body.destroy();
        return { buffer: Buffer.alloc(0), overflow: false, inlineVideo: true };
      }
    }
    return { buffer: Buffer.from(scanner.skeleton(), 'utf8'), overflow: false };
  } finally {
    clearTimeout(timer);
  }
}

/** Lets the connection go back to the pool without keeping the bytes; destroys it when the body is large. */
export async function discardBody(body: Readable, limit = 1024 * 1024): Promise<void> {
  try {
    let seen = 0;
    for await (const chunk of body) {
      seen += (chunk as Buffer).length;
      if (seen > limit) {
        body.destroy();
        return;
      }
    }
  } catch {
    /* the body is being thrown away; its errors do not matter */
  }
}
