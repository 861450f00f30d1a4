/**
 * Video downloads: streamed to `<dest>.part` while hashing, verified (status 200, length,
 * size cap, MP4 signature, top-level boxes ending exactly at the end of the body), fsynced
 * and renamed into place. A video that comes base64-encoded inside a JSON answer
 * (inlineVideoAt) is decoded on the way and checked the same. Nothing is ever buffered whole,
 * a failed attempt never leaves a `.part` behind, and the key never follows a redirect to
 * another host.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { dispatch } from './dispatch.js';
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
import { extend } from '../util/extend.js';

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

  const startedAt = Date.now();
  // Attempts are bounded by the deadline below, not counted (see the retry decision).
  const downloadPolicy = extend(deps.policy, { maxAttempts: Number.POSITIVE_INFINITY });
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
    const res = await dispatch(deps.dispatcher, url, {
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
  });
  let file: PartFile;
  try {
    file = new PartFile(await openPart(part));
  } catch (error) {
    // Not read any further; the abort this raises in the body is expected.
    body.on('error', () => {}).destroy();
    throw error;
  }
  const save = (bytes: Buffer): Promise<void> => {
    inspector.check(bytes);
    hash.update(bytes);
    progress.bytes += bytes.length;
    return file.write(bytes);
  };
  const decoded: Buffer[] = [];
  try {
    // A loop rather than a pipeline of streams: a video of a few kilobytes is one chunk, and at
    // a thousand downloads a second the streams' own machinery (a transform, a write stream,
    // their listeners and abort wiring) cost more than the bytes. The request's signal ends
    // the body, and so this loop, on an interrupt or at the deadline.
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (!inline) {
        await save(chunk);
      } else {
        inline.decode(chunk, (bytes) => decoded.push(bytes));
        for (const bytes of decoded.splice(0)) await save(bytes);
      }
      const now = Date.now();
      if (req.onProgress && now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        req.onProgress(progress.bytes);
      }
    }
    if (inline?.complete) {
      inline.finish((bytes) => decoded.push(bytes));
      for (const bytes of decoded.splice(0)) await save(bytes);
    }
    await file.finish();
  } catch (error) {
    if (error instanceof HttpError || error instanceof LocalFileFailure || signal.aborted) throw error;
    // The status was 200 and the body broke off: a truncated download, worth another try.
    const outcome = outcomeFromTransportError(error);
    if (outcome?.kind === 'network') {
      throw new AttemptFailure(outcome, truncated(where, progress.bytes, declared, attempt, deps, error));
    }
    throw error;
  } finally {
    // Closed before the caller unlinks a failed `.part`, so none is left behind.
    await file.close();
  }

  const bytesIn = inline ? inline.bytesIn : progress.bytes;
  if (declared !== undefined && bytesIn !== declared) {
    const outcome: Outcome = { kind: 'network', code: 'TRUNCATED', requestSent: true };
    throw new AttemptFailure(outcome, truncated(where, bytesIn, declared, attempt, deps));
  }
  if (inline && !inline.found) {
    throw new HttpError('bad_response', deps.redact(`${where}: the answer holds no video at ${req.inlineVideoAt!.join('.')}`), {
      hint: hintFor('bad_response'),
    });
  }
  if (inline && !inline.complete) {
    const outcome: Outcome = { kind: 'network', code: 'TRUNCATED', requestSent: true };
    throw new AttemptFailure(outcome, truncated(where, bytesIn, undefined, attempt, deps, undefined, ', inside the inline video'));
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
    // fsynced above, so the name never points at bytes a power cut could still lose.
    await rename(part, req.dest);
  } catch (error) {
    throw new LocalFileFailure(error);
  }
  // Makes the rename itself durable (best effort: not every platform can open a directory),
  // with one sync shared by the downloads that finish meanwhile.
  await syncDirectoryShared(dirname(req.dest));
  req.onProgress?.(progress.bytes);
  const durationSeconds = inspector.boxes.durationSeconds();
  return { path: req.dest, sha256: hash.digest('hex'), bytes: progress.bytes, ...(durationSeconds === undefined ? {} : { durationSeconds }) };
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
}

/**
 * Checks bytes as they pass: the size cap, `ftyp` at offset 4, and the top-level boxes
 * (checked for completeness once the body ends). Throws the HttpError that ends the download.
 */
class VideoInspector {
  sawSignature = false;
  readonly boxes = new Mp4BoxWalker();
  private seen = 0;
  private head = Buffer.alloc(0);

  constructor(readonly checks: InspectorChecks) {}

  check(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.seen > this.checks.maxBytes) throw this.checks.tooLarge();
    if (!this.sawSignature) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
      if (this.head.length >= 8) {
        if (this.head.subarray(4, 8).toString('latin1') !== 'ftyp') throw this.checks.notMp4();
        this.sawSignature = true;
      }
    }
    if (!this.boxes.push(chunk)) {
      const shape = this.boxes.finish();
      throw this.checks.notMp4(shape.kind === 'malformed' ? shape.reason : undefined);
    }
  }
}

/** Bytes waiting to be written beyond which the download stops reading until they are. */
const WRITE_HIGH_WATER = 1024 * 1024;

/**
 * The `.part` file as a download writes it: in order, without waiting for each write, so the
 * network and the disk overlap. What arrives while a write is on its way goes to the disk
 * together in the next one. A failure is the disk's (LocalFileFailure).
 */
class PartFile {
  #waiting: Buffer[] = [];
  /** Bytes given to write() and not yet written. */
  #unwritten = 0;
  #writing: Promise<void> | undefined;
  #failure: unknown;

  constructor(private readonly handle: FileHandle) {}

  /** Resolves at once, unless more than WRITE_HIGH_WATER bytes are unwritten: then once they are. */
  async write(bytes: Buffer): Promise<void> {
    if (this.#failure !== undefined) throw new LocalFileFailure(this.#failure);
    this.#waiting.push(bytes);
    this.#unwritten += bytes.length;
    this.#writing ??= this.#drain();
    if (this.#unwritten > WRITE_HIGH_WATER) await this.#settled();
  }

  /** Everything written and fsynced. */
  async finish(): Promise<void> {
    await this.#settled();
    try {
      await this.handle.sync();
    } catch (error) {
      throw new LocalFileFailure(error);
    }
  }

  /** Waits for writes on their way (after a failure too): the caller unlinks the file next. */
  async close(): Promise<void> {
    await this.#writing;
    await this.handle.close();
  }

  async #settled(): Promise<void> {
    await this.#writing;
    if (this.#failure !== undefined) throw new LocalFileFailure(this.#failure);
  }

  /** Never rejects: a failure is kept for the next write() or finish() to throw. */
  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const chunks = this.#waiting;
        this.#waiting = [];
        const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        let written = (chunks.length === 1 ? await this.handle.write(chunks[0] as Buffer) : await this.handle.writev(chunks)).bytesWritten;
        this.#unwritten -= written;
        // A short write (rare on a file): the rest, from where it stopped.
        if (written < total) {
          let rest = Buffer.concat(chunks).subarray(written);
          while (rest.length > 0) {
            written = (await this.handle.write(rest)).bytesWritten;
            rest = rest.subarray(written);
            this.#unwritten -= written;
          }
        }
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      this.#writing = undefined;
    }
  }
}

/** `<dest>.part`, created with its directory when that is missing; a failure is the disk's. */
async function openPart(part: string): Promise<FileHandle> {
  try {
    try {
      return await open(part, 'w');
    } catch (error) {
      if ((error as NodeJS.ErrnoException | null)?.code !== 'ENOENT') throw error;
      await mkdir(dirname(part), { recursive: true });
      return await open(part, 'w');
    }
  } catch (error) {
    throw new LocalFileFailure(error);
  }
}
