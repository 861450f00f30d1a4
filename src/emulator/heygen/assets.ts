import { sniffImageMime } from '../../util/image-type.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { Route, RouteContext } from '../router.js';
import { heygenError } from './errors.js';

/**
 * HeyGen's asset upload (`POST /v3/assets`), which v1 and v3 clients share. Uploaded images
 * are served back by the storage host (storage/api.ts).
 */

const MAX_ASSET_BYTES = 32 * 1024 * 1024;
/** Room for the multipart framing around a file of the maximum size. */
const MAX_UPLOAD_BODY = MAX_ASSET_BYTES + 1024 * 1024;

export const uploadAssetRoute: Route = { method: 'POST', pattern: '/v3/assets', faults: 'api', creates: true, handle: uploadAsset };

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
  // HeyGen's asset types list png and jpeg for images; WebP is in no HeyGen list.
  if (mimeType !== 'image/png' && mimeType !== 'image/jpeg') {
    return heygenError(400, 'invalid_parameter', 'unsupported file type: expected a PNG or JPEG image', { param: 'file' });
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
