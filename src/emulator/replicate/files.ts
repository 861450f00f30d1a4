/**
 * Replicate's file uploads (reference: the JavaScript client uploads blobs with `POST /v1/files`
 * and passes the file's `urls.get` as the input): multipart with the file in a part named
 * `content`, as that client sends it. The emulator keeps images only, which is all videogen
 * uploads; a prediction input naming one of these URLs must name a file that exists.
 */
import { createHash } from 'node:crypto';
import { sniffImageMime } from '../../util/image-type.js';
import type { StoredAsset } from '../asset-store.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { Route, RouteContext } from '../router.js';
import { replicateError, replicateNotFound } from './errors.js';
import type { FileLookup } from './validation.js';

/** Not a documented limit ([?]); room for any reference image. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** How long an uploaded file lasts is not in the reference; the answer says a day. */
const FILE_TTL_MS = 24 * 60 * 60_000;

export const fileRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/files', faults: 'api', creates: true, handle: uploadFile },
  { method: 'GET', pattern: '/v1/files/:id', faults: 'api', handle: getFile },
];

async function uploadFile(ctx: RouteContext): Promise<EmulatorResponse> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) return replicateError(400, 'Upload the file as multipart/form-data in a part named "content".');
  const read = await readBody(ctx.req, MAX_FILE_BYTES + 1024 * 1024);
  if (!read.ok) return replicateError(413, 'The file is too large.');
  let form: FormData;
  try {
    form = await new Request(ctx.url, { method: 'POST', headers: { 'content-type': contentType }, body: read.bytes }).formData();
  } catch {
    return replicateError(400, 'Malformed multipart body.');
  }
  const content = form.get('content');
  if (content === null || typeof content === 'string') return replicateError(400, 'A file part named "content" is required.');
  const bytes = Buffer.from(await content.arrayBuffer());
  const mime = sniffImageMime(bytes);
  if (!mime) return replicateError(400, 'The emulator keeps image files only (PNG, JPEG, WebP).');
  const asset = ctx.env.assets.add(mime, bytes);
  return jsonResponse(201, fileResource(ctx, asset, content.name || 'file', ctx.now));
}

function getFile(ctx: RouteContext): EmulatorResponse {
  const asset = ctx.env.assets.get(ctx.params.id ?? '');
  return asset ? jsonResponse(200, fileResource(ctx, asset, 'file', ctx.now)) : replicateNotFound();
}

function fileResource(ctx: RouteContext, asset: StoredAsset, name: string, now: number): Record<string, unknown> {
  return {
    id: asset.id,
    name,
    content_type: asset.mimeType,
    size: asset.bytes.length,
    checksums: { sha256: createHash('sha256').update(asset.bytes).digest('hex') },
    metadata: {},
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + FILE_TTL_MS).toISOString(),
    urls: { get: fileUrl(ctx.origin, asset.id) },
  };
}

function fileUrl(origin: string, id: string): string {
  return `${origin}/v1/files/${id}`;
}

/** Whether an input URL is one of this emulator's file URLs, and if so whether the file exists. */
export function fileLookup(ctx: RouteContext): FileLookup {
  const prefix = fileUrl(ctx.origin, '');
  return (url) => {
    if (!url.startsWith(prefix)) return 'elsewhere';
    return ctx.env.assets.get(url.slice(prefix.length)) ? 'ours' : 'missing';
  };
}
