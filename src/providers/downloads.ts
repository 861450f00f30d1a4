/**
 * Videos on hosts that take no key: pre-signed storage URLs (HeyGen) and public CDN URLs
 * (fal). The key is never sent there, and a refusal has nothing to do with it (no key hint).
 */
import type { HttpClient } from '../http/client.js';
import type { DownloadedFile } from '../http/types.js';
import type { ProviderConfig } from '../manifest/types.js';
import type { CompletedJob, DownloadContext } from './types.js';

export function downloadWithoutKey(http: HttpClient, config: ProviderConfig, job: CompletedJob, dest: string, ctx: DownloadContext): Promise<DownloadedFile> {
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
