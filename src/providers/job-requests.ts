/**
 * Requests several provider clients make alike: reading a job's status, where a 404 says the
 * API does not know the job, and downloading a pre-signed video URL, which never gets the key.
 */
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import type { DownloadedFile, HttpResponse } from '../http/types.js';
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
