/**
 * The one HTTP client: a keep-alive undici Agent, JSON in and out, the retry policy, error
 * mapping and redaction. Providers call it; nothing above it retries.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Agent } from 'undici';
import { dispatch } from './dispatch.js';
import { downloadFile } from './download.js';
import { HttpError, httpErrorFromResponse, displayUrl } from './errors.js';
import { encodeFormData } from './multipart.js';
import { redact, scrubParsedSecrets, scrubSecrets, SecretSet, secretsInAuth, secretsInHeaders } from './redact.js';
import {
  DEFAULT_RETRY_POLICY,
  retryDelayAfter,
  serverRequestedDelayMs,
  shouldRetry,
  type Outcome,
  type RetryPolicy,
} from './retry.js';
import {
  abortedError,
  describeOutcome,
  type CappedBody,
  httpErrorFromTransport,
  normalizeHeaders,
  outcomeFromTransportError,
  readCapped,
  readUntilInlineVideo,
} from './transport.js';
import type { DownloadRequest, DownloadedFile, HttpRequest, HttpResponse, RetryNotice } from './types.js';
import { linkedSignal } from '../util/linked-signal.js';
import { extend } from '../util/extend.js';

export interface HttpClientOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Cap on a JSON response body; larger answers are VIDEOGEN_HTTP_BAD_RESPONSE. */
  maxResponseBytes?: number;
  /**
   * Time allowed for a whole response body, once its headers are in (bodyTimeoutMs only
   * bounds the silence between two chunks). A body still arriving then is a body timeout.
   */
  responseBodyDeadlineMs?: number;
  retryPolicy?: Partial<RetryPolicy>;
  random?: () => number;
  secrets?: string[];
  onRetry?: (notice: RetryNotice & { purpose?: string }) => void;
  userAgent?: string;
}

const DEFAULT_USER_AGENT = 'videogen/0.1';
/** Error bodies are only read for their message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class HttpClient {
  private readonly agent: Agent;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly secrets = new SecretSet();
  private readonly maxResponseBytes: number;
  private readonly responseBodyDeadlineMs: number;
  private readonly userAgent: string;
  private readonly onRetry: HttpClientOptions['onRetry'];

  constructor(options: HttpClientOptions = {}) {
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
      // Below common server idle timeouts (Node 5 s, nginx 75 s), so a reused socket is
      // rarely one the server is closing: that race would fail a submit we may not retry.
      keepAliveTimeout: 4_000,
      // Per origin: 64 jobs polling and downloading at once, with room for submits.
      connections: 128,
    });
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
    this.random = options.random ?? Math.random;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.responseBodyDeadlineMs = options.responseBodyDeadlineMs ?? 60_000;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.onRetry = options.onRetry;
    for (const secret of options.secrets ?? []) this.addSecret(secret);
  }

  /** Registers a value that must never appear in an error message. */
  addSecret(secret: string): void {
    this.secrets.add(secret);
  }

  /** Redacts every registered secret (and anything token-shaped) from text. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    // undici puts an abort listener on the signal it is given, and a caller's signal is often
    // the run's stop signal, shared by every request in flight: each listener added to it walks
    // all the others (util/abort-listeners.ts). Each request waits on its own signal instead.
    const own = req.signal ? linkedSignal(req.signal) : undefined;
    try {
      return await this.#request<T>(own ? extend(req, { signal: own.signal }) : req);
    } finally {
      own?.dispose();
    }
  }

  async #request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    for (const secret of [...secretsInHeaders(req.headers), ...secretsInAuth(req.auth)]) this.addSecret(secret);
    const clean = (text: string): string => this.redact(text);
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw abortedError(req.purpose, req.url);
      let outcome: Outcome | undefined;
      let failure: HttpError;
      try {
        const result = await this.attempt<T>(req, attempt);
        if ('response' in result) return result.response;
        ({ outcome, failure } = result);
      } catch (error) {
        if (req.signal?.aborted) throw abortedError(req.purpose, req.url);
        if (error instanceof HttpError) throw error;
        outcome = outcomeFromTransportError(error);
        failure = httpErrorFromTransport(error, outcome, req.purpose, req.url, clean, attempt);
      }
      if (!outcome || !shouldRetry(req.retry, outcome, attempt, this.policy)) throw failure;
      const delayMs = retryDelayAfter(req.retry, outcome, attempt, this.policy, this.random);
      this.onRetry?.({ attempt, delayMs, reason: describeOutcome(outcome), purpose: req.purpose });
      if (req.retryWaitSignal?.aborted) throw failure;
      const waitSignal = req.retryWaitSignal && req.signal ? AbortSignal.any([req.signal, req.retryWaitSignal]) : (req.retryWaitSignal ?? req.signal);
      try {
        await sleepFor(delayMs, undefined, { signal: waitSignal });
      } catch {
        if (req.signal?.aborted) throw abortedError(req.purpose, req.url);
        throw failure;
      }
    }
  }

  /** One try: either the parsed response, or the outcome and error of a non-2xx answer. Throws on transport errors. */
  private async attempt<T>(
    req: HttpRequest,
    attempt: number,
  ): Promise<{ response: HttpResponse<T> } | { outcome: Outcome; failure: HttpError }> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    let body: string | Buffer | Readable | undefined;
    if (req.bytes !== undefined) {
      headers['content-type'] = req.bytes.contentType;
      body = Buffer.from(req.bytes.data.buffer, req.bytes.data.byteOffset, req.bytes.data.byteLength);
    } else if (req.form !== undefined) {
      const encoded = encodeFormData(req.form);
      headers['content-type'] = encoded.contentType;
      headers['content-length'] = String(encoded.contentLength);
      body = encoded.body;
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    for (const [name, value] of Object.entries({ ...req.headers, ...req.auth })) headers[name.toLowerCase()] = value;

    const res = await dispatch(this.agent, req.url, { method: req.method, headers, body: body ?? null, signal: req.signal ?? null });
    const responseHeaders = normalizeHeaders(res.headers);
    const requestId = responseHeaders['x-request-id'] ?? responseHeaders['request-id'];
    const clean = (text: string): string => this.redact(text);

    if (res.statusCode < 200 || res.statusCode >= 300) {
      const { buffer } = await readCapped(res.body, MAX_ERROR_BODY_BYTES, this.responseBodyDeadlineMs);
      await settleConnection();
      if (req.answerStatuses?.includes(res.statusCode)) {
        const body = scrubSecrets(parseIfJson(buffer.toString('utf8')), this.secrets) as T;
        return { response: { status: res.statusCode, headers: responseHeaders, body, requestId: requestId && clean(requestId) } };
      }
      const failure = httpErrorFromResponse(res.statusCode, responseHeaders, buffer.toString('utf8'), req.purpose, req.url, {
        apiKeyEnv: req.apiKeyEnv,
        redact: clean,
        attempts: attempt,
        retryAfterMs: serverRequestedDelayMs(responseHeaders, Date.now()),
        maxRetryAfterMs: this.policy.maxRetryAfterMs,
      });
      return { outcome: { kind: 'response', status: res.statusCode, headers: responseHeaders, outOfCredit: failure.kind === 'credit' }, failure };
    }

    const declared = Number(responseHeaders['content-length']);
    if (Number.isFinite(declared) && declared > this.maxResponseBytes && !req.stopAtInlineVideo) {
      res.body.destroy();
      throw this.tooLarge(req, res.statusCode, requestId);
    }
    const { buffer, overflow, inlineVideo }: CappedBody & { inlineVideo?: true } = req.stopAtInlineVideo
      ? await readUntilInlineVideo(res.body, req.stopAtInlineVideo, this.maxResponseBytes, this.responseBodyDeadlineMs)
      : await readCapped(res.body, this.maxResponseBytes, this.responseBodyDeadlineMs);
    if (inlineVideo) {
      return { response: { status: res.statusCode, headers: responseHeaders, body: undefined as T, inlineVideo, requestId: requestId && clean(requestId) } };
    }
    if (overflow) throw this.tooLarge(req, res.statusCode, requestId);
    await settleConnection();
    const text = buffer.toString('utf8');
    let parsed: unknown = null;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        const type = responseHeaders['content-type'] ?? 'no content type';
        throw new HttpError(
          'bad_response',
          clean(`${req.purpose ?? 'request'}: ${displayUrl(req.url)} answered ${res.statusCode} with a body that is not JSON (${type}): ${snippet(text)}`),
          { status: res.statusCode, requestId, hint: 'check the provider base_url: it should point at the API, not a web page' },
        );
      }
    }
    const answer = scrubParsedSecrets(text, parsed, this.secrets) as T;
    return { response: { status: res.statusCode, headers: responseHeaders, body: answer, requestId: requestId && clean(requestId) } };
  }

  private tooLarge(req: HttpRequest, status: number, requestId: string | undefined): HttpError {
    return new HttpError(
      'bad_response',
      this.redact(`${req.purpose ?? 'request'}: ${displayUrl(req.url)} answered with more than ${this.maxResponseBytes} bytes of JSON`),
      { status, requestId, hint: 'check the provider base_url: an API answer is never this large' },
    );
  }

  async download(req: DownloadRequest): Promise<DownloadedFile> {
    for (const secret of [...secretsInHeaders(req.headers), ...secretsInAuth(req.auth)]) this.addSecret(secret);
    return downloadFile(req, {
      dispatcher: this.agent,
      policy: this.policy,
      random: this.random,
      redact: (text) => this.redact(text),
      userAgent: this.userAgent,
      onRetry: this.onRetry,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * undici marks a connection idle a macrotask after the body's last byte; a request sent
 * before then opens a second connection. One turn of the event loop keeps it to one.
 */
function settleConnection(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** An error answer's body: its JSON value when it is JSON, else the text itself. */
function parseIfJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}
