/**
 * Checks a `POST /v3/models/videos` body against the field table of
 * reference/heygen-v3.md §4. Fields the table does not name pass through, as the client's
 * `options` do.
 *
 * The lists are the server's own copies, kept apart from the client's
 * (providers/heygen-v3/) on purpose: a stand-in sharing the client's assumptions cannot
 * catch them being wrong.
 */
import type { AssetStore } from '../asset-store.js';

export const V3_MODEL = 'heygen-video-1';
const MODES = ['text_to_video', 'image_to_video', 'reference_to_video'] as const;
export type V3Mode = (typeof MODES)[number];
const RESOLUTIONS = ['480p', '768p', '1080p', '2k'];
const ASPECT_RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
/** 1080p and 2k need one of these. */
const WIDE_RATIOS = ['16:9', '9:16'];
const PROMPT_ENHANCEMENTS = ['turbo', 'quality', 'default', 'disabled'];
const MAX_PROMPT_CHARS = 16_000;
const MIN_SECONDS = 5;
const MAX_SECONDS = 15;
const REFERENCE_LISTS: Readonly<Record<string, number>> = { reference_images: 9, reference_videos: 3, reference_audio: 3 };
const MAX_REFERENCES = 12;

export interface ClipRequest {
  prompt: string;
  mode: V3Mode;
  duration: number;
  resolution: string;
  /** As the clip will be: the requested ratio, the default, or `adaptive` (reference mode); absent for image_to_video. */
  aspectRatio?: string;
  seed?: number;
  /** image_to_video: the image's bytes when the emulator has them (an uploaded asset, base64), for its ratio. */
  imageBytes?: Buffer;
}

export interface Problem {
  param: string;
  message: string;
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const fail = (param: string, message: string): { ok: false; problem: Problem } => ({ ok: false, problem: { param, message } });

export function validateCreateClip(body: unknown, assets: AssetStore): Checked<ClipRequest> {
  if (!isObject(body)) return fail('body', 'request body must be a JSON object');
  if (body.model === undefined) return fail('model', 'model is required');
  if (body.model !== V3_MODEL) return fail('model', `unsupported model ${JSON.stringify(body.model)}; expected "${V3_MODEL}"`);
  if (body.mode === undefined) return fail('mode', 'mode is required');
  if (!(MODES as readonly unknown[]).includes(body.mode)) return fail('mode', `mode must be one of ${MODES.join(', ')}`);
  const mode = body.mode as V3Mode;

  if (body.prompt === undefined) return fail('prompt', 'prompt is required');
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') return fail('prompt', 'prompt must be a non-empty string');
  if (body.prompt.length > MAX_PROMPT_CHARS) return fail('prompt', `prompt must be at most ${MAX_PROMPT_CHARS} characters`);

  const duration = body.duration ?? MIN_SECONDS;
  if (!Number.isInteger(duration) || (duration as number) < MIN_SECONDS || (duration as number) > MAX_SECONDS) {
    return fail('duration', `duration must be an integer from ${MIN_SECONDS} to ${MAX_SECONDS}`);
  }
  const resolution = body.resolution ?? '768p';
  if (typeof resolution !== 'string' || !RESOLUTIONS.includes(resolution)) return fail('resolution', `resolution must be one of ${RESOLUTIONS.join(', ')}`);

  const ratios = mode === 'reference_to_video' ? [...ASPECT_RATIOS, 'adaptive'] : ASPECT_RATIOS;
  if (body.aspect_ratio !== undefined && (typeof body.aspect_ratio !== 'string' || !ratios.includes(body.aspect_ratio))) {
    return fail('aspect_ratio', `aspect_ratio must be one of ${ratios.join(', ')}`);
  }
  // image_to_video ignores the ratio: the clip takes the image's.
  const aspectRatio =
    mode === 'image_to_video' ? undefined : ((body.aspect_ratio as string | undefined) ?? (mode === 'reference_to_video' ? 'adaptive' : '16:9'));
  if ((resolution === '1080p' || resolution === '2k') && aspectRatio !== undefined && aspectRatio !== 'adaptive' && !WIDE_RATIOS.includes(aspectRatio)) {
    return fail('resolution', `${resolution} requires aspect_ratio 16:9 or 9:16`);
  }

  if (body.seed !== undefined && body.seed !== null && (!Number.isInteger(body.seed) || (body.seed as number) < 0 || (body.seed as number) > 0xffffffff)) {
    return fail('seed', 'seed must be an unsigned 32-bit integer or null');
  }
  if (body.prompt_enhancement !== undefined && !PROMPT_ENHANCEMENTS.includes(body.prompt_enhancement as string)) {
    return fail('prompt_enhancement', `prompt_enhancement must be one of ${PROMPT_ENHANCEMENTS.join(', ')}`);
  }
  for (const field of ['callback_url', 'callback_id'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') return fail(field, `${field} must be a string`);
  }

  let imageBytes: Buffer | undefined;
  if (mode === 'image_to_video') {
    if (body.image === undefined) return fail('image', 'image is required for image_to_video');
    const image = checkAsset(body.image, 'image', assets);
    if (!image.ok) return image;
    imageBytes = image.value;
  } else if (body.image !== undefined) {
    return fail('image', `image is only used by image_to_video, not ${mode}`);
  }

  const references = checkReferences(body, mode, assets);
  if (!references.ok) return references;

  const request: ClipRequest = { prompt: body.prompt, mode, duration: duration as number, resolution };
  if (aspectRatio !== undefined) request.aspectRatio = aspectRatio;
  if (typeof body.seed === 'number') request.seed = body.seed;
  if (imageBytes !== undefined) request.imageBytes = imageBytes;
  return { ok: true, value: request };
}

function checkReferences(body: Record<string, unknown>, mode: V3Mode, assets: AssetStore): Checked<undefined> {
  let total = 0;
  for (const [field, max] of Object.entries(REFERENCE_LISTS)) {
    const list = body[field];
    if (list === undefined) continue;
    if (mode !== 'reference_to_video') return fail(field, `${field} is only used by reference_to_video`);
    if (!Array.isArray(list) || list.length > max) return fail(field, `${field} must be an array of at most ${max} assets`);
    for (const [i, item] of list.entries()) {
      const checked = checkAsset(item, `${field}[${i}]`, assets);
      if (!checked.ok) return checked;
    }
    total += list.length;
  }
  if (total > MAX_REFERENCES) return fail('reference_images', `at most ${MAX_REFERENCES} references in total`);
  if (mode === 'reference_to_video' && !hasItems(body.reference_images) && !hasItems(body.reference_videos)) {
    return fail('reference_images', 'reference_to_video needs at least one reference image or video');
  }
  return { ok: true, value: undefined };
}

/** An asset union (§3); answers the bytes when the emulator holds them. */
function checkAsset(value: unknown, param: string, assets: AssetStore): Checked<Buffer | undefined> {
  if (!isObject(value)) return fail(param, `${param} must be an asset object with a "type"`);
  switch (value.type) {
    case 'url':
      if (typeof value.url !== 'string' || !isHttpsUrl(value.url)) return fail(`${param}.url`, `${param}.url must be an https URL`);
      return { ok: true, value: undefined };
    case 'asset_id': {
      if (typeof value.asset_id !== 'string' || value.asset_id === '') return fail(`${param}.asset_id`, `${param}.asset_id must be a string`);
      const asset = assets.get(value.asset_id);
      if (!asset) return fail(`${param}.asset_id`, `asset ${value.asset_id} not found; upload it with POST /v3/assets first`);
      return { ok: true, value: asset.bytes };
    }
    case 'base64': {
      if (typeof value.media_type !== 'string' || value.media_type === '') return fail(`${param}.media_type`, `${param}.media_type is required`);
      if (typeof value.data !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value.data)) return fail(`${param}.data`, `${param}.data must be base64`);
      return { ok: true, value: Buffer.from(value.data, 'base64') };
    }
    default:
      return fail(`${param}.type`, `${param}.type must be one of url, asset_id, base64`);
  }
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
