import { randomBytes } from 'node:crypto';
import { sniffImageMime } from '../../util/image-type.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { Route, RouteContext } from '../router.js';
import { videoResponse } from '../storage/api.js';
import { falDetail } from './errors.js';
import { FAL_JOBS, outcomeOf, requestPhase } from './requests.js';

/**
 * fal's storage (reference/fal-queue.md, "Image inputs"): `POST /storage/upload/initiate` on
 * the REST host (rest.fal.ai, here /fal/rest; takes the key) hands out a signed upload URL
 * and the file's CDN URL; the bytes go to the upload URL with a PUT, and the CDN serves them,
 * and the videos of finished requests (here /fal/cdn; keyless: a key that arrives there is
 * counted as leaked).
 */

export const FAL_REST_PATH = '/fal/rest';
export const FAL_CDN_PATH = '/fal/cdn';

/** Files over 90 MB take the multipart flow, which the emulator does not offer. */
const MAX_UPLOAD_BYTES = 90 * 1024 * 1024;
const MAX_JSON_BYTES = 64 * 1024;

export const restRoutes: readonly Route[] = [
  { method: 'POST', pattern: `${FAL_REST_PATH}/storage/upload/initiate`, faults: 'api', handle: initiate },
];

export const cdnRoutes: readonly Route[] = [
  { method: 'PUT', pattern: `${FAL_CDN_PATH}/uploads/:id`, faults: 'none', handle: receive },
  { method: 'GET', pattern: `${FAL_CDN_PATH}/files/:id/:name`, faults: 'download', handle: serve },
  { method: 'GET', pattern: `${FAL_CDN_PATH}/videos/:file`, faults: 'download', handle: serveVideo },
];

/** A finished request's video: a public URL (no signature, no key), as fal's CDN hands out. */
export function cdnVideoUrl(origin: string, requestId: string): string {
  return `${origin}${FAL_CDN_PATH}/videos/${encodeURIComponent(requestId)}.mp4`;
}

async function initiate(ctx: RouteContext): Promise<EmulatorResponse> {
  const storageType = ctx.url.searchParams.get('storage_type');
  if (storageType !== null && storageType !== 'fal-cdn-v3') return falDetail(400, `Unknown storage_type '${storageType}'`);
  const read = await readBody(ctx.req, MAX_JSON_BYTES);
  let body: unknown;
  try {
    body = read.ok ? JSON.parse(read.bytes.toString('utf8')) : undefined;
  } catch {
    body = undefined;
  }
  const { content_type: contentType, file_name: fileName } = (body ?? {}) as Record<string, unknown>;
  if (typeof contentType !== 'string' || contentType === '') return falDetail(422, 'content_type is required');
  const id = randomBytes(16).toString('hex');
  const name = typeof fileName === 'string' && /^[\w.-]{1,128}$/.test(fileName) ? fileName : 'upload';
  return jsonResponse(200, { upload_url: `${ctx.origin}${FAL_CDN_PATH}/uploads/${id}`, file_url: `${ctx.origin}${FAL_CDN_PATH}/files/${id}/${name}` });
}

async function receive(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readBody(ctx.req, MAX_UPLOAD_BYTES);
  if (!read.ok) return falDetail(413, 'File too large for a single upload; use the multipart upload');
  // fal's CDN stores any file; the emulator serves images only, which is all a video model reads.
  const mime = sniffImageMime(read.bytes);
  if (!mime) return falDetail(415, 'The emulator stores PNG, JPEG and WebP images only');
  ctx.env.assets.add(mime, read.bytes, ctx.params.id ?? '');
  return { status: 200, headers: {}, body: Buffer.alloc(0) };
}

function serve(ctx: RouteContext): EmulatorResponse {
  const asset = ctx.env.assets.get(ctx.params.id ?? '');
  if (!asset) return falDetail(404, 'File not found');
  return { status: 200, headers: { 'content-type': asset.mimeType }, body: asset.bytes };
}

/**
 * How long fal's CDN keeps media is not documented (it depends on a header and an account
 * setting): here the emulator's contentTtlMs after the request ended, then 404.
 */
function serveVideo(ctx: RouteContext): EmulatorResponse {
  const id = /^(.+)\.mp4$/.exec(ctx.params.file ?? '')?.[1] ?? '';
  const job = ctx.env.jobs.find(id, FAL_JOBS);
  const done = job && requestPhase(job.facts, ctx.now) === 'COMPLETED' && outcomeOf(job.facts) === 'ok';
  if (!job || !done || ctx.now >= job.facts.createdAt + job.facts.latencyMs + ctx.env.options.contentTtlMs) return falDetail(404, 'File not found');
  return videoResponse(ctx.env, job.id, job.facts.aspectRatio);
}

/** Whether a URL the emulator's CDN handed out holds a file (what an app fetching it would find); other URLs are taken on trust. */
export function cdnFileExists(ctx: RouteContext, url: string): 'ok' | 'missing' {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'ok';
  }
  const match = new RegExp(`^${FAL_CDN_PATH}/files/([0-9a-f]+)/`).exec(path);
  if (!match) return 'ok';
  return ctx.env.assets.get(match[1] ?? '') ? 'ok' : 'missing';
}
