/** The contract between providers and the HTTP layer. The implementation lives in client.ts. */
import type { JsonPath } from './inline-video.js';

export type { JsonPath };

export type RetryMode =
  /** GET/DELETE and other requests that are safe to repeat: network errors, 408, 429, 5xx are retried. */
  | 'idempotent'
  /**
   * A POST that creates (and bills) a job, without an idempotency key: it is retried only
   * where no job can have been created: 429, a connection refused before the request was
   * sent, and 503 with Retry-After.
   */
  | 'submit'
  /**
   * A POST that creates (and bills) a job and carries an idempotency key the API honours
   * (HeyGen v3's `Idempotency-Key`): a repeat with the same key replays the first answer
   * instead of creating a second job, so a lost answer (a reset after sending, a timeout,
   * a 5xx) is retried like a GET, and 409 (the first request with this key is still being
   * processed) is waited out. The caller must send the same key on every attempt.
   */
  | 'keyed-submit'
  /** Never retried (uploads of large bodies, tests). */
  | 'none';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /**
   * The credential headers, whatever the API calls them (the provider module's auth
   * scheme): sent with `headers`, their values redacted from every message.
   */
  auth?: Record<string, string>;
  /** A JSON value (sent as application/json) or a FormData (multipart). */
  json?: unknown;
  form?: FormData;
  /** Raw bytes of one file, sent as is (fal's CDN upload: `PUT upload_url`). */
  bytes?: { data: Uint8Array; contentType: string };
  retry: RetryMode;
  /**
   * Non-2xx statuses that are this endpoint's answer rather than a failure of the request
   * (fal's result URL answers with the job's own error status and body): they come back as
   * a response, body parsed as JSON where it is JSON (else the text), and are never retried.
   */
  answerStatuses?: readonly number[];
  signal?: AbortSignal;
  /**
   * Ends the waits between attempts, never an attempt in flight: a submission must not be
   * cut off on the wire (the job might exist unrecorded), but a Ctrl-C should not sit out a
   * Retry-After either. When it fires during a wait, the last failure is thrown.
   */
  retryWaitSignal?: AbortSignal;
  /** What this request is for, used in error messages (`submit coastal-city`). */
  purpose?: string;
  /** Name (never the value) of the environment variable holding the key, for the auth-error hint. */
  apiKeyEnv?: string;
  /**
   * The JSON answer may carry a video inline as base64 at this path (Vertex's
   * `response.videos[*].bytesBase64Encoded`): reading stops where that string begins, so the
   * video is never held in memory, and the response says `inlineVideo: true` with no body.
   * DownloadRequest.inlineVideoAt fetches it.
   */
  stopAtInlineVideo?: JsonPath;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  requestId?: string;
  /** The answer carried a video at HttpRequest.stopAtInlineVideo (and `body` is undefined). */
  inlineVideo?: true;
}

export interface DownloadRequest {
  url: string;
  /** Sent as a JSON POST instead of a GET (Vertex's `fetchPredictOperation`, whose answer holds the video). */
  json?: unknown;
  /**
   * The video is not the body but a base64 string inside the JSON body, at this path: it is
   * decoded as it arrives (src/http/inline-video.ts) and checked like any other video.
   */
  inlineVideoAt?: JsonPath;
  headers?: Record<string, string>;
  /** Credential headers: sent to the URL's own origin only, never after a redirect to another. */
  auth?: Record<string, string>;
  /** Final path; bytes go to `<dest>.part` first and are renamed only when verified. */
  dest: string;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called as bytes arrive (total so far), for progress. */
  onProgress?: (bytes: number) => void;
  /** What this download is for, used in error messages (`download coastal-city`). */
  purpose?: string;
  /** Name (never the value) of the environment variable holding the key, for the auth-error hint. */
  apiKeyEnv?: string;
}

export interface DownloadedFile {
  path: string;
  sha256: string;
  bytes: number;
  /** The playing time its `moov/mvhd` box gives, read as it streamed past (when it could be). */
  durationSeconds?: number;
}

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  reason: string;
}
