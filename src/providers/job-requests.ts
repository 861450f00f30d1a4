/**
 * Requests several provider clients make alike: reading a job's status, where a 404 says the
 * API does not know the job; downloading a pre-signed video URL, which never gets the key; and
 * downloading from the API's own content endpoint, which gets it on base_url's origin only.
 */
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import type { DownloadedFile, HttpResponse } from '../http/types.js';
import type { ProviderConfig } from '../manifest/types.js';
import { sameOrigin } from '../util/base-url.js';
import type { CompletedJob, DownloadContext } from './types.js';

export interface JobStatusRequest {
  url: string;
  auth: Record<string, string>;
  signal: AbortSignal;
  /** `poll <job id>`, for messages. */
  purpose: string;
  apiKeyEnv: string;
  /** Headers besides the credential that the API wants on every request (Runway's X-Runway-Version). */
  headers?: Record<string, string>;
}

/** `GET` a job's status (retried like any read), or `not_found` when the API answers 404. */
export async function getJobStatus(http: HttpClient, request: JobStatusRequest): Promise<HttpResponse | 'not_found'> {
  try {
    return await http.request<unknown>({ method: 'GET', retry: 'idempotent', ...request });
  } catch (error) {
    // The documented answer for an unknown (or deleted, or expired) job id.
    if (error instanceof HttpError && error.status === 404) return 'not_found';
    throw error;
  }
}

/**
 * Downloads a pre-signed, temporary video URL (usually on another host) without the key. A
 * refused one (403/404) has expired; the executor polls again for a fresh URL.
 */
export function downloadSignedUrl(http: HttpClient, job: CompletedJob, dest: string, ctx: DownloadContext, timeoutMs: number): Promise<DownloadedFile> {
  return http.download({
    url: job.url,
    dest,
    maxBytes: ctx.maxBytes,
    timeoutMs,
    signal: ctx.signal,
    // No apiKeyEnv either: the key has nothing to do with a refused signed URL.
    purpose: `download ${job.jobId}`,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}

/**
 * A finished job's video from an API that serves it itself (`/videos/{id}/content`), which
 * needs the key; a URL on any other host (a job recorded against another base_url, say)
 * never sees it.
 */
export function downloadFromApi(
  http: HttpClient,
  config: ProviderConfig,
  auth: Record<string, string>,
  job: CompletedJob,
  dest: string,
  ctx: DownloadContext,
): Promise<DownloadedFile> {
  return http.download({
    url: job.url,
    ...(sameOrigin(job.url, config.baseUrl) ? { auth } : {}),
    dest,
    maxBytes: ctx.maxBytes,
    timeoutMs: config.downloadTimeoutMs,
    signal: ctx.signal,
    purpose: `download ${job.jobId}`,
    apiKeyEnv: config.apiKeyEnv,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}
