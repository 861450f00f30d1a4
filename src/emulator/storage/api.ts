import { jobStatusAt } from '../jobs.js';
import { emulatorVideoFor } from '../mp4.js';
import type { EmulatedApi, EmulatorEnv, Route, RouteContext } from '../router.js';
import type { EmulatorResponse } from '../http-io.js';
import { storageError, storageErrors, storageRequestId } from './errors.js';
import { verifyVideoUrl } from './video-urls.js';

/**
 * The "object storage" behind the URLs APIs hand out: uploaded images and temporary video
 * URLs. It takes no key: a client that sends one anyway is counted (stats.authOnVideoUrls),
 * since it would leak its key to a third-party host.
 */

const routes: Route[] = [
  { method: 'GET', pattern: '/_emulator/assets/:id', faults: 'none', handle: serveAsset },
  { method: 'GET', pattern: '/_emulator/videos/:api/:file', faults: 'download', handle: serveVideo },
];

export const storageApi: EmulatedApi = {
  name: 'storage',
  pathPrefix: '/_emulator/',
  errors: storageErrors,
  requestId: storageRequestId,
  routes,
};

function serveAsset(ctx: RouteContext): EmulatorResponse {
  const asset = ctx.env.assets.get(ctx.params.id ?? '');
  if (!asset) return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
  return { status: 200, headers: { 'content-type': asset.mimeType }, body: asset.bytes };
}

function serveVideo(ctx: RouteContext): EmulatorResponse {
  const api = ctx.params.api ?? '';
  const check = verifyVideoUrl(api, ctx.params.file ?? '', ctx.url.searchParams, ctx.now);
  if (!check.ok) {
    switch (check.reason) {
      case 'expired':
        return storageError(403, 'AccessDenied', 'Request has expired');
      case 'signature':
        return storageError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      case 'malformed':
        return storageError(403, 'AccessDenied', 'Query-string authentication requires the expires and signature parameters');
    }
  }
  const kind = ctx.env.jobKinds.get(api);
  const job = kind && ctx.env.jobs.find(check.jobId, kind);
  if (!job || jobStatusAt(job.facts, ctx.now).state !== 'completed') {
    return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  return videoResponse(ctx.env, job.id, job.facts.aspectRatio);
}

/** A job's MP4, streamed (it may be padded to hundreds of MB for benchmarks). */
export function videoResponse(env: EmulatorEnv, jobId: string, aspectRatio: string, headers: Record<string, string> = {}): EmulatorResponse {
  const video = emulatorVideoFor(aspectRatio, jobId, env.options.videoBytes);
  return {
    status: 200,
    headers: { 'content-type': 'video/mp4', 'accept-ranges': 'none', ...headers },
    body: { size: video.size, open: () => video.stream() },
    video: true,
  };
}
