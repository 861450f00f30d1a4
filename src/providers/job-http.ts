/**
 * The two requests most task APIs make the same way: asking a job's state, where a 404 means
 * the provider does not know the job (expired, deleted, or never made), and downloading a
 * finished video from a URL that takes no key (pre-signed storage, a public CDN).
 */
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import type { DownloadedFile } from '../http/types.js';
import type { ProviderConfig } from '../manifest/types.js';
import { badResponse } from './response.js';
import type { CompletedJob, DownloadContext } from './types.js';

export interface JobRequest {
  http: HttpClient;
  config: ProviderConfig;
  auth: Record<string, string>;
  /** Headers every request carries besides the credential (Runway's X-Runway-Version). */
  headers?: Record<string, string>;
}

/** The job's answer, or `not_found` when the provider answers 404. */
export async function getJob(endpoint: JobRequest, url: string, purpose: string, signal: AbortSignal): Promise<{ body: unknown } | 'not_found'> {
  try {
    const response = await endpoint.http.request<unknown>({
      method: 'GET',
      url,
      ...(endpoint.headers ? { headers: endpoint.headers } : {}),
      auth: endpoint.auth,
      retry: 'idempotent',
      signal,
      purpose,
      apiKeyEnv: endpoint.config.apiKeyEnv,
    });
    return { body: response.body };
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return 'not_found';
    throw error;
  }
}

/**
 * Downloads a finished job's video from a host that takes no key: the key is never sent, and
 * a refusal there (an expired URL) is no matter of the key, so no key hint is attached either.
 */
export function downloadWithoutKey(http: HttpClient, config: ProviderConfig, job: CompletedJob, dest: string, ctx: DownloadContext): Promise<DownloadedFile> {
  if (!job.url) throw badResponse(`download ${job.jobId}`, 'no video URL');
  return http.download({
    url: job.url,
    dest,
    maxBytes: ctx.maxBytes,
    timeoutMs: config.downloadTimeoutMs,
    signal: ctx.signal,
    purpose: `download ${job.jobId}`,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}
