import { sniffImageMime } from '../util/image-type.js';
import { heygenError, storageError } from './errors.js';
import { jsonResponse, readBody, type EmulatorResponse } from './http-io.js';
import { jobStatusAt } from './jobs.js';
import { emulatorVideoFor } from './mp4.js';
import type { Route, RouteContext } from './router.js';
import { verifyVideoUrl } from './video-urls.js';

/**
 * HeyGen's asset upload, and the "object storage" behind the URLs HeyGen hands out:
 * uploaded images and the temporary video URLs. Storage needs no key; a client that
 * sends one anyway is counted (stats.authOnVideoUrls), since it would leak its key to
 * a third-party host.
 */

const MAX_ASSET_BYTES = 32 * 1024 * 1024;
/** Room for the multipart framing around a file of the maximum size. */
const MAX_UPLOAD_BODY = MAX_ASSET_BYTES + 1024 * 1024;

export const assetsRoutes: Route[] = [
  { method: 'POST', pattern: '/v3/assets', dialect: 'heygen', auth: 'x-api-key', faults: 'api', creates: true, handle: uploadAsset },
  { method: 'GET', pattern: '/_emulator/assets/:id', dialect: 'storage', auth: 'none', faults: 'none', handle: serveAsset },
  { method: 'GET', pattern: '/_emulator/videos/:file', dialect: 'storage', auth: 'none', faults: 'download', handle: serveVideo },
];

async function uploadAsset(ctx: RouteContext): Promise<EmulatorResponse> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return heygenError(400, 'invalid_parameter', 'upload the image as multipart/form-data in a field named "file"', { param: 'file' });
  }
  const read = await readBody(ctx.req, MAX_UPLOAD_BODY);
  if (!read.ok) {
    return heygenError(400, 'invalid_parameter', 'file exceeds the 32 MB limit', {
      param: 'file',
      headers: { connection: 'close' },
    });
  }
  let form: FormData;
  try {
    form = await new Request(ctx.url, { method: 'POST', headers: { 'content-type': contentType }, body: read.bytes }).formData();
  } catch {
    return heygenError(400, 'invalid_parameter', 'malformed multipart body', { param: 'file' });
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') {
    return heygenError(400, 'invalid_parameter', 'a file part named "file" is required', { param: 'file' });
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length > MAX_ASSET_BYTES) return heygenError(400, 'invalid_parameter', 'file exceeds the 32 MB limit', { param: 'file' });
  const mimeType = sniffImageMime(bytes);
  if (!mimeType) {
    return heygenError(400, 'invalid_parameter', 'unsupported file type: expected a PNG, JPEG or WebP image', { param: 'file' });
  }
  const asset = ctx.env.assets.add(mimeType, bytes);
  return jsonResponse(200, {
    data: {
      asset_id: asset.id,
      url: `${ctx.origin}/_emulator/assets/${asset.id}`,
      mime_type: mimeType,
      size_bytes: bytes.length,
    },
  });
}

function serveAsset(ctx: RouteContext): EmulatorResponse {
  const asset = ctx.env.assets.get(ctx.params.id ?? '');
  if (!asset) return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
  return { status: 200, headers: { 'content-type': asset.mimeType }, body: asset.bytes };
}

function serveVideo(ctx: RouteContext): EmulatorResponse {
  const check = verifyVideoUrl(ctx.params.file ?? '', ctx.url.searchParams, ctx.now);
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
  const job = ctx.env.jobs.find(check.jobId, 'heygen');
  if (!job || jobStatusAt(job.facts, ctx.now).state !== 'completed') {
    return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  const video = emulatorVideoFor(job.facts.aspectRatio, job.id, ctx.env.options.videoBytes);
  return {
    status: 200,
    headers: { 'content-type': 'video/mp4', 'accept-ranges': 'none' },
    body: { size: video.size, open: () => video.stream() },
    video: true,
  };
}
