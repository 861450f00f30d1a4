import type { EmulatorResponse } from '../http-io.js';
import { isHttpUrl, isImageDataUrl } from '../image-urls.js';
import { openRouterError, openRouterInvalid } from './errors.js';
import { FRAME_TYPES, emulatedModel, type EmulatedModel, type FrameType } from './models.js';

/**
 * `POST /videos` checked as the request schema says (reference/openrouter-videos.md §2): the
 * server's own copies of the enums, then the model's own lists (`/videos/models`), since
 * out-of-set values are refused with a 400 (§2). Unknown top-level fields are ignored.
 */

/** `resolution` and `aspect_ratio` as the request schema lists them. */
const RESOLUTIONS = ['480p', '720p', '768p', '1080p', '1K', '2K', '4K'];
const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'];
const REFERENCE_TYPES = ['image_url', 'audio_url', 'video_url'];

export interface CreateVideoRequest {
  model: EmulatedModel;
  prompt?: string;
  /** Seconds: as asked, or the model's default. */
  duration: number;
  resolution?: string;
  /** The shape of the video to serve: `aspect_ratio`, else `size`, else the model's first ratio. */
  shape: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

type Fields = Record<string, unknown>;

export function validateCreateVideo(body: unknown): Checked<CreateVideoRequest> {
  if (!isObject(body)) return invalid('Request body must be a JSON object');
  const modelId = body.model;
  if (modelId === undefined || modelId === null || modelId === '') return invalid('model: Required');
  if (typeof modelId !== 'string') return invalid('model: Expected string');
  const model = emulatedModel(modelId);
  // The spec answers 404 for missing resources; what it answers for an unknown model is not
  // documented (§12) and 404 is what a third-party fixture assumes.
  if (!model) return { ok: false, response: openRouterError(404, `Model ${modelId} not found or does not generate video`) };

  const checks = [checkPrompt(body), checkDuration(body, model), checkShape(body, model), checkFrameImages(body.frame_images, model), checkReferences(body.input_references, model), checkScalars(body, model)];
  for (const check of checks) if (check) return { ok: false, response: check };

  const value: CreateVideoRequest = {
    model,
    duration: typeof body.duration === 'number' ? body.duration : model.defaultDuration,
    shape: stringOf(body.aspect_ratio) ?? stringOf(body.size) ?? model.aspectRatios[0] ?? '16:9',
  };
  if (typeof body.prompt === 'string') value.prompt = body.prompt;
  if (typeof body.resolution === 'string') value.resolution = body.resolution;
  return { ok: true, value };
}

function checkPrompt(body: Fields): EmulatorResponse | undefined {
  const prompt = body.prompt;
  if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') return openRouterInvalid('prompt: Expected string');
  // Optional only for image-only input (§2).
  const hasImages = Array.isArray(body.frame_images) || Array.isArray(body.input_references);
  if ((typeof prompt !== 'string' || prompt.trim() === '') && !hasImages) return openRouterInvalid('prompt: Required when no frame_images or input_references are given');
  return undefined;
}

function checkDuration(body: Fields, model: EmulatedModel): EmulatorResponse | undefined {
  const duration = body.duration;
  if (duration === undefined || duration === null) return undefined;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1) {
    return openRouterInvalid(`duration: Expected an integer greater than or equal to 1, received ${JSON.stringify(duration)}`);
  }
  if (!model.durations.includes(duration)) {
    return openRouterInvalid(`duration ${duration} is not supported by ${model.id}; supported_durations: ${model.durations.join(', ')}`);
  }
  return undefined;
}

function checkShape(body: Fields, model: EmulatedModel): EmulatorResponse | undefined {
  const enumerated: Array<[string, readonly string[], readonly string[]]> = [
    ['resolution', RESOLUTIONS, model.resolutions],
    ['aspect_ratio', ASPECT_RATIOS, model.aspectRatios],
  ];
  for (const [name, allowed, supported] of enumerated) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      return openRouterInvalid(`${name}: Invalid enum value. Expected ${allowed.map((v) => `'${v}'`).join(' | ')}, received ${JSON.stringify(value)}`);
    }
    if (!supported.includes(value)) return openRouterInvalid(`${name} ${value} is not supported by ${model.id}; supported: ${supported.join(', ')}`);
  }
  const size = body.size;
  if (size !== undefined && size !== null && (typeof size !== 'string' || !/^[1-9]\d*x[1-9]\d*$/.test(size))) {
    return openRouterInvalid(`size: Expected "WIDTHxHEIGHT", received ${JSON.stringify(size)}`);
  }
  return undefined;
}

function checkFrameImages(value: unknown, model: EmulatedModel): EmulatorResponse | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return openRouterInvalid('frame_images: Expected array');
  const seen = new Set<FrameType>();
  for (const [i, item] of value.entries()) {
    const where = `frame_images[${i}]`;
    if (!isObject(item) || item.type !== 'image_url') return openRouterInvalid(`${where}.type: Expected 'image_url'`);
    const problem = checkUrl(item.image_url, `${where}.image_url`, true);
    if (problem) return problem;
    const frameType = item.frame_type;
    if (typeof frameType !== 'string' || !(FRAME_TYPES as readonly string[]).includes(frameType)) {
      return openRouterInvalid(`${where}.frame_type: Expected 'first_frame' | 'last_frame'`);
    }
    if (seen.has(frameType as FrameType)) return openRouterInvalid(`${where}.frame_type: ${frameType} given twice`);
    seen.add(frameType as FrameType);
    if (!model.frameImages.includes(frameType as FrameType)) {
      return openRouterInvalid(`${model.id} does not support frame_type ${frameType}; supported_frame_images: ${model.frameImages.join(', ') || 'none'}`);
    }
  }
  return undefined;
}

function checkReferences(value: unknown, model: EmulatedModel): EmulatorResponse | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return openRouterInvalid('input_references: Expected array');
  for (const [i, item] of value.entries()) {
    const where = `input_references[${i}]`;
    const type = isObject(item) ? item.type : undefined;
    if (typeof type !== 'string' || !REFERENCE_TYPES.includes(type)) return openRouterInvalid(`${where}.type: Expected 'image_url' | 'audio_url' | 'video_url'`);
    // Audio and video references: only some providers (§2); a modality the model lacks is a 400.
    if (type !== 'image_url' && !model.mediaReferences) return openRouterInvalid(`${model.id} does not accept ${type} references`);
    const problem = checkUrl((item as Fields)[type], `${where}.${type}`, type === 'image_url');
    if (problem) return problem;
  }
  return undefined;
}

/** `{url}` holding an http(s) URL, or (images) a `data:` URL whose bytes really are an image. */
function checkUrl(value: unknown, where: string, image: boolean): EmulatorResponse | undefined {
  const url = isObject(value) ? value.url : undefined;
  if (typeof url !== 'string') return openRouterInvalid(`${where}.url: Required`);
  if (isHttpUrl(url) || (image && isImageDataUrl(url))) return undefined;
  return openRouterInvalid(`${where}.url: Expected an https URL${image ? ' or a base64 data:image URL' : ''}`);
}

function checkScalars(body: Fields, model: EmulatedModel): EmulatorResponse | undefined {
  const audio = body.generate_audio;
  if (audio !== undefined && audio !== null && typeof audio !== 'boolean') return openRouterInvalid('generate_audio: Expected boolean');
  if (audio === true && model.audio === false) return openRouterInvalid(`${model.id} does not generate audio`);
  const seed = body.seed;
  if (seed !== undefined && seed !== null && (typeof seed !== 'number' || !Number.isInteger(seed))) return openRouterInvalid('seed: Expected integer');
  const callback = body.callback_url;
  if (callback !== undefined && callback !== null && (typeof callback !== 'string' || !callback.startsWith('https://'))) {
    return openRouterInvalid('callback_url: Expected an https URL');
  }
  const provider = body.provider;
  if (provider !== undefined && provider !== null) {
    // Only `provider.options.<slug>.parameters`; the rest is dropped silently by the real API (§2).
    if (!isObject(provider) || Object.keys(provider).some((key) => key !== 'options') || (provider.options !== undefined && !isObject(provider.options))) {
      return openRouterInvalid('provider: Expected {"options": {"<provider-slug>": {"parameters": {…}}}}');
    }
  }
  for (const name of ['creativity', 'upscale_factor']) {
    const value = body[name];
    if (value !== undefined && value !== null && typeof value !== 'number') return openRouterInvalid(`${name}: Expected number`);
  }
  return undefined;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function invalid<T>(message: string): Checked<T> {
  return { ok: false, response: openRouterInvalid(message) };
}
