/**
 * Video downloads: streamed to `<dest>.part` while hashing, verified (status 200, length,
 * size cap, MP4 signature, top-level boxes ending exactly at the end of the body), fsynced
 * and renamed into place. A video that comes base64-encoded inside a JSON answer
 * (inlineVideoAt) is decoded on the way and checked the same. Nothing is ever buffered whole,
 * a failed attempt never leaves a `.part` behind, and the key never follows a redirect to
 * another host.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { DOWNLOAD_ERROR_CODES, HttpError, displayUrl, hintFor, httpErrorFromResponse } from './errors.js';
import { InlineVideoDecoder } from './inline-video.js';
import { Mp4BoxWalker } from './mp4-boxes.js';
import { syncDirectoryShared } from '../util/directory-sync.js';
import { linkedSignal } from '../util/linked-signal.js';
import { retryDelay, serverRequestedDelayMs, shouldRetry, type Outcome, type RetryPolicy } from './retry.js';
import {
  abortedError,
  describeOutcome,
  discardBody,
  httpErrorFromTransport,
  normalizeHeaders,
  outcomeFromTransportError,
  readCapped,
  sanitizedCause,
} from './transport.js';
import type { DownloadRequest, DownloadedFile, RetryNotice } from './types.js';

export interface DownloadDeps {
  dispatcher: Dispatcher;
  policy: RetryPolicy;
  random: () => number;
  redact: (text: string) => string;
  userAgent: string;
  onRetry?: (notice: RetryNotice & { purpose?: string }) => void;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/**
 * Headers that carry credentials under their usual names, dropped on a cross-origin redirect
 * even when a caller passed them as plain `headers` (defence in depth: providers pass theirs
 * as `auth`, which never crosses origins whatever the header is called).
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);
const PROGRESS_INTERVAL_MS = 100;

/** A failure the retry policy gets to judge; anything else thrown by an attempt is final or a transport error. */
class AttemptFailure extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly failure: HttpError,
  ) {
    super(failure.message);
  }
}

/** The disk failed us (full, read-only): not the network's fault, so not retried, and passed on as is. */
class LocalFileFailure extends Error {
  constructor(readonly original: unknown) {
    super('local file error');
  }
}

/**
 * Downloads `req.url` to `req.dest`. `timeoutMs` bounds the whole download, retries
 * included, so a slow-loris server or an endless body ends in VIDEOGEN_DOWNLOAD_TIMEOUT;
 * transient failures are retried until then.
 */
export async function downloadFile(req: DownloadRequest, deps: DownloadDeps): Promise<DownloadedFile> {
  const part = `${req.dest}.part`;
  const purpose = req.purpose ?? 'download';
  await mkdir(dirname(req.dest), { recursive: true });

  const startedAt = Date.now();
  // Attempts are bounded by the deadline below, not counted (see the retry decision).
  const downloadPolicy = { ...deps.policy, maxAttempts: Number.POSITIVE_INFINITY };
  const deadline = linkedSignal(req.signal, req.timeoutMs);
  const signal = deadline.signal;
  const progress = { bytes: 0 };

  const stopped = (): HttpError | undefined => {
    if (req.signal?.aborted) return abortedError(purpose, req.url);
    if (deadline.expired()) {
      return new HttpError(
        'timeout',
        deps.redact(`${purpose}: ${displayUrl(req.url)}: not finished within ${req.timeoutMs} ms (${progress.bytes} bytes received)`),
        { code: DOWNLOAD_ERROR_CODES.timeout, hint: 'raise the provider download_timeout, or rerun apply to fetch it again' },
      );
    }
    return undefined;
  };

  // What went wrong last time: when the deadline cuts a retry short, that is the real cause.
  let lastFailure: HttpError | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome | undefined;
      let failure: HttpError;
      try {
        progress.bytes = 0;
        return await attemptDownload(req, part, attempt, signal, progress, deps);
      } catch (error) {
        await rm(part, { force: true }).catch(() => {});
        const stop = stopped();
        if (stop) throw req.signal?.aborted ? stop : (lastFailure ?? stop);
        if (error instanceof LocalFileFailure) throw error.original;
        if (error instanceof AttemptFailure) {
          ({ outcome, failure } = error);
        } else if (error instanceof HttpError) {
          throw error;
        } else {
          outcome = outcomeFromTransportError(error);
          failure = httpErrorFromTransport(error, outcome, purpose, req.url, deps.redact, attempt);
        }
      }
      // The video is paid for, so a download is retried for as long as its own deadline
      // allows rather than a fixed number of times: at the fault rates of a bad day (a 429
      // or 5xx one request in three), five failures in a row hit one download in 200.
      if (!outcome || !shouldRetry('idempotent', outcome, attempt, downloadPolicy)) throw failure;
      const delayMs = retryDelay(attempt, outcome.kind === 'response' ? outcome.headers : undefined, deps.policy, deps.random);
      // No time left to wait and try again: the real cause says more than "timed out".
      if (Date.now() + delayMs >= startedAt + req.timeoutMs) throw failure;
      lastFailure = failure;
      deps.onRetry?.({ attempt, delayMs, reason: describeOutcome(outcome), purpose });
      try {
        await sleepFor(delayMs, undefined, { signal });
      } catch {
        throw req.signal?.aborted ? abortedError(purpose, req.url) : failure;
      }
    }
  } finally {
    deadline.dispose();
  }
}

async function attemptDownload(
  req: DownloadRequest,
  part: string,
  attempt: number,
  signal: AbortSignal,
  progress: { bytes: number },
  deps: DownloadDeps,
): Promise<DownloadedFile> {
  const purpose = req.purpose ?? 'download';
  const originalOrigin = new URL(req.url).origin;
  let url = req.url;

  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': deps.userAgent, accept: req.inlineVideoAt ? 'application/json' : 'video/mp4, */*' };
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    const sameOrigin = new URL(url).origin === originalOrigin;
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (sameOrigin || !CREDENTIAL_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    if (sameOrigin) for (const [name, value] of Object.entries(req.auth ?? {})) headers[name.toLowerCase()] = value;
    const res = await undiciRequest(url, {
      dispatcher: deps.dispatcher,
      method: req.json === undefined ? 'GET' : 'POST',
      headers,
      body: req.json === undefined ? null : JSON.stringify(req.json),
      signal,
    });
    const responseHeaders = normalizeHeaders(res.headers);

    if (REDIRECT_STATUSES.has(res.statusCode)) {
      await discardBody(res.body);
      const location = responseHeaders['location'];
      if (!location || hop >= MAX_REDIRECTS) {
        const why = location ? `more than ${MAX_REDIRECTS} redirects` : `a ${res.statusCode} without a Location`;
        throw new HttpError('bad_response', deps.redact(`${purpose}: ${displayUrl(req.url)}: ${why}`), {
          status: res.statusCode,
          hint: hintFor('bad_response'),
        });
      }
      url = new URL(location, url).toString();
      continue;
    }

    if (res.statusCode !== 200) {
      const { buffer } = await readCapped(res.body, 16 * 1024);
      const failure = httpErrorFromResponse(res.statusCode, responseHeaders, buffer.toString('utf8'), purpose, url, {
        apiKeyEnv: req.apiKeyEnv,
        redact: deps.redact,
        attempts: attempt,
        retryAfterMs: serverRequestedDelayMs(responseHeaders, Date.now()),
        maxRetryAfterMs: deps.policy.maxRetryAfterMs,
      });
      throw new AttemptFailure({ kind: 'response', status: res.statusCode, headers: responseHeaders }, failure);
    }

    return await streamToPart(req, url, res.body, responseHeaders, part, attempt, signal, progress, deps);
  }
}

async function streamToPart(
  req: DownloadRequest,
  url: string,
  body: Readable,
  headers: Record<string, string>,
  part: string,
  attempt: number,
  signal: AbortSignal,
  progress: { bytes: number },
  deps: DownloadDeps,
): Promise<DownloadedFile> {
  const purpose = req.purpose ?? 'download';
  const where = `${purpose}: ${displayUrl(url)}`;
  const declaredHeader = headers['content-length'];
  const declared = declaredHeader !== undefined && /^\d+$/.test(declaredHeader.trim()) ? Number(declaredHeader) : undefined;
  const tooLarge = (): HttpError =>
    new HttpError('bad_response', deps.redact(`${where}: larger than the ${req.maxBytes}-byte cap`), {
      code: DOWNLOAD_ERROR_CODES.tooLarge,
      hint: 'raise the size cap if videos this large are expected',
    });
  // An inline video arrives as base64 text inside JSON, a third longer than the video.
  const inline = req.inlineVideoAt
    ? new InlineVideoDecoder(req.inlineVideoAt, (why) =>
        new HttpError('bad_response', deps.redact(`${where}: ${why}`), { code: DOWNLOAD_ERROR_CODES.notMp4, hint: hintFor('bad_response') }),
      )
    : undefined;
  if (declared !== undefined && declared > req.maxBytes && !inline) {
    body.destroy();
    throw tooLarge();
  }

  const hash = createHash('sha256');
  let lastReport = 0;
  const inspector = new VideoInspector({
    maxBytes: req.maxBytes,
    tooLarge,
    notMp4: (why = 'no ftyp box') =>
      new HttpError('bad_response', deps.redact(`${where}: the response is not an MP4 video (${why})`), {
        code: DOWNLOAD_ERROR_CODES.notMp4,
        hint: 'the URL served something else (an error page?); rerun apply to fetch it again',
      }),
    onChunk: (chunk) => {
      hash.update(chunk);
      progress.bytes += chunk.length;
      const now = Date.now();
      if (req.onProgress && now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        req.onProgress(progress.bytes);
      }
    },
  });

  const file = createWriteStream(part);
  // pipeline hands every stream the first error, so the one that reported first is where it began.
  let failedFirst: 'body' | 'file' | undefined;
  body.once('error', () => (failedFirst ??= 'body'));
  file.once('error', () => (failedFirst ??= 'file'));
  try {
    if (inline) await pipeline(body, inline, inspector, file, { signal });
    else await pipeline(body, inspector, file, { signal });
  } catch (error) {
    // The file may still be opening; unlinking before it closes could leave a fresh `.part` behind.
    await closed(file);
    if (error instanceof HttpError || signal.aborted) throw error;
    if (failedFirst === 'file') throw new LocalFileFailure(error);
    // The status was 200 and the body broke off: a truncated download, worth another try.
    const outcome = outcomeFromTransportError(error);
    if (outcome?.kind === 'network') {
      throw new AttemptFailure(outcome, truncated(where, progress.bytes, declared, attempt, deps, error));
    }
    throw error;
  }
  await closed(file);

  const received = inline ? inline.bytesIn : progress.bytes;
  if (declared !== undefined && received !== declared) {
    const outcome: Outcome = { kind: 'network', code: 'TRUNCATED', requestSent: true };
    throw new AttemptFailure(outcome, truncated(where, received, declared, attempt, deps));
  }
  if (inline && !inline.found) {
    throw new HttpError('bad_response', deps.redact(`${where}: the answer holds no video at ${req.inlineVideoAt!.join('.')}`), {
      hint: hintFor('bad_response'),
    });
  }
  if (inline && !inline.complete) {
    const outcome: Outcome = { kind: 'network', code: 'TRUNCATED', requestSent: true };
    throw new AttemptFailure(outcome, truncated(where, received, undefined, attempt, deps, undefined, ', inside the inline video'));
  }
  if (!inspector.sawSignature) throw inspector.checks.notMp4();
  const shape = inspector.boxes.finish();
  if (shape.kind === 'malformed') throw inspector.checks.notMp4(shape.reason);
  if (shape.kind === 'cut') {
    // The length the server declared (if any) was met, yet the video is incomplete: the
    // server lied about the length, or closed a response that had none. Worth another try.
    const outcome: Outcome = { kind: 'network', code: 'TRUNCATED', requestSent: true };
    const detail = `, inside an MP4 box that runs to byte ${shape.expected}: the video is cut off`;
    throw new AttemptFailure(outcome, truncated(where, progress.bytes, undefined, attempt, deps, undefined, detail));
  }

  try {
    await syncFile(part);
    await rename(part, req.dest);
  } catch (error) {
    throw new LocalFileFailure(error);
  }
  // Makes the rename itself durable (best effort: not every platform can open a directory),
  // with one sync shared by the downloads that finish meanwhile.
  await syncDirectoryShared(dirname(req.dest));
  req.onProgress?.(progress.bytes);
  return { path: req.dest, sha256: hash.digest('hex'), bytes: progress.bytes };
}

function truncated(
  where: string,
  bytes: number,
  declared: number | undefined,
  attempt: number,
  deps: DownloadDeps,
  cause?: unknown,
  detail = '',
): HttpError {
  const expected = declared === undefined ? '' : ` of ${declared}`;
  const after = attempt > 1 ? ` after ${attempt} attempts` : '';
  return new HttpError('network', deps.redact(`${where}: the body ended after ${bytes}${expected} bytes${detail}${after}`), {
    code: DOWNLOAD_ERROR_CODES.truncated,
    hint: 'the connection broke off mid-download; rerun apply to fetch it again',
    cause: cause === undefined ? undefined : sanitizedCause(cause, deps.redact),
  });
}

interface InspectorChecks {
  maxBytes: number;
  tooLarge: () => HttpError;
  notMp4: (why?: string) => HttpError;
  onChunk: (chunk: Buffer) => void;
}

/**
 * Passes bytes through while enforcing the size cap, checking for `ftyp` at offset 4 and
 * following the top-level boxes (checked for completeness once the body ends).
 */
class VideoInspector extends Transform {
  sawSignature = false;
  readonly boxes = new Mp4BoxWalker();
  private seen = 0;
  private head = Buffer.alloc(0);

  constructor(readonly checks: InspectorChecks) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.checks.maxBytes) return callback(this.checks.tooLarge());
    if (!this.sawSignature) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
      if (this.head.length >= 8) {
        if (this.head.subarray(4, 8).toString('latin1') !== 'ftyp') return callback(this.checks.notMp4());
        this.sawSignature = true;
      }
    }
    if (!this.boxes.push(chunk)) {
      const shape = this.boxes.finish();
      return callback(this.checks.notMp4(shape.kind === 'malformed' ? shape.reason : undefined));
    }
    this.checks.onChunk(chunk);
    callback(null, chunk);
  }
}

function closed(stream: WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
