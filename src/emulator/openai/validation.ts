import { sniffImageMime } from '../../util/image-type.js';
import type { EmulatorResponse } from '../http-io.js';
import { isHttpUrl, isImageDataUrl } from '../image-urls.js';
import { VIDEO_SECONDS, VIDEO_SIZES, isVideoSeconds, isVideoSize, type VideoSeconds, type VideoSize } from '../ratios.js';
import type { RequestFields } from './body.js';
import { openaiInvalid } from './errors.js';

/**
 * Validation of `POST /videos` as the real service does it (see
 * reference/openai-videos.openapi.yaml), with its wording: `seconds` must be a string
 * from the list, `size` from the list, `prompt` 1–32000 characters. Unknown fields are
 * accepted, as resellers accept them. `null` means "not given" for optional fields.
 */

export interface CreateVideoRequest {
  prompt: string;
  model: string;
  seconds: VideoSeconds;
  size: VideoSize;
  /** Which dialect carried the reference image, if any. */
  inputReference?: 'file' | 'image_url' | 'file_id' | 'string';
}

export type Checked<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

const MAX_PROMPT = 32000;
const MAX_IMAGE_URL = 20_971_520;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export async function validateCreateVideo(fields: RequestFields): Promise<Checked<CreateVideoRequest>> {
  const prompt = checkPrompt(fields.prompt);
  if (!prompt.ok) return prompt;

  const model = optionalString(fields, 'model');
  if (!model.ok) return model;
  if (model.value === '') return invalid("Invalid 'model': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'model', 'string_below_min_length');

  const seconds = optionalString(fields, 'seconds');
  if (!seconds.ok) return seconds;
  if (seconds.value !== undefined && !isVideoSeconds(seconds.value)) return unsupported('seconds', seconds.value, VIDEO_SECONDS);

  const size = optionalString(fields, 'size');
  if (!size.ok) return size;
  if (size.value !== undefined && !isVideoSize(size.value)) return unsupported('size', size.value, VIDEO_SIZES);

  const reference = await checkInputReference(fields.input_reference);
  if (!reference.ok) return reference;

  const value: CreateVideoRequest = {
    prompt: prompt.value,
    model: model.value ?? 'sora-2',
    seconds: (seconds.value as VideoSeconds | undefined) ?? '4',
    size: (size.value as VideoSize | undefined) ?? '720x1280',
  };
  if (reference.value !== undefined) value.inputReference = reference.value;
  return { ok: true, value };
}

/** The prompt rules alone, shared with remix. */
export function checkPrompt(value: unknown): Checked<string> {
  if (value === undefined || value === null) return invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  if (typeof value !== 'string') return wrongType('prompt', value);
  if (value.length < 1) {
    return invalid("Invalid 'prompt': string too short. Expected a string with minimum length 1, but got an empty string instead.", 'prompt', 'string_below_min_length');
  }
  if (value.length > MAX_PROMPT) {
    return invalid(
      `Invalid 'prompt': string too long. Expected a string with maximum length ${MAX_PROMPT}, but got a string with length ${value.length} instead.`,
      'prompt',
      'string_above_max_length',
    );
  }
  return { ok: true, value };
}

function optionalString(fields: RequestFields, name: string): Checked<string | undefined> {
  const value = fields[name];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string') return wrongType(name, value);
  return { ok: true, value };
}

async function checkInputReference(value: unknown): Promise<Checked<CreateVideoRequest['inputReference']>> {
  const param = 'input_reference';
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (value instanceof Blob) {
    // OpenAI checks the part's declared type (an untyped part is application/octet-stream and refused) ...
    const declared = value.type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!IMAGE_TYPES.includes(declared)) {
      return invalid(
        `Invalid file '${param}': unsupported mimetype ('${declared || 'application/octet-stream'}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
        param,
        'unsupported_file',
      );
    }
    // ... and the emulator also checks the bytes really are an image.
    if (!sniffImageMime(new Uint8Array(await value.arrayBuffer()))) {
      return invalid(`Invalid file '${param}': the file is not a valid image.`, param, 'invalid_image');
    }
    return { ok: true, value: 'file' };
  }
  if (typeof value === 'string') {
    // Huixingyun's dialect: a URL or a base64-encoded image in a plain string.
    if (isHttpUrl(value) || isImageDataUrl(value) || isBase64Image(value)) return { ok: true, value: 'string' };
    return invalid(`Invalid '${param}': expected an image URL or a base64-encoded image.`, param, 'invalid_value');
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { image_url: imageUrl, file_id: fileId } = value as Record<string, unknown>;
    if ((imageUrl === undefined) === (fileId === undefined)) {
      return invalid(`Invalid '${param}': provide exactly one of 'image_url' or 'file_id'.`, param, 'invalid_value');
    }
    if (imageUrl !== undefined) {
      if (typeof imageUrl !== 'string') return wrongType(`${param}.image_url`, imageUrl);
      if (imageUrl.length > MAX_IMAGE_URL || !(isHttpUrl(imageUrl) || isImageDataUrl(imageUrl))) {
        return invalid(`Invalid '${param}.image_url': expected a fully qualified URL or a base64-encoded data URL.`, `${param}.image_url`, 'invalid_value');
      }
      return { ok: true, value: 'image_url' };
    }
    if (typeof fileId !== 'string' || fileId === '') return wrongType(`${param}.file_id`, fileId);
    return { ok: true, value: 'file_id' };
  }
  return wrongType(param, value);
}

function isBase64Image(text: string): boolean {
  return /^[A-Za-z0-9+/=\s]+$/.test(text) && sniffImageMime(Buffer.from(text, 'base64')) !== undefined;
}

function invalid<T>(message: string, param: string, code: string): Checked<T> {
  return { ok: false, response: openaiInvalid(message, param, code) };
}

function wrongType<T>(param: string, value: unknown): Checked<T> {
  return invalid(`Invalid type for '${param}': expected a string, but got ${describeType(value)} instead.`, param, 'invalid_type');
}

function unsupported<T>(param: string, value: string, allowed: readonly string[]): Checked<T> {
  const listed = allowed.map((v) => `'${v}'`);
  const options = listed.length > 1 ? `${listed.slice(0, -1).join(', ')}, and ${listed[listed.length - 1]}` : listed.join('');
  return invalid(`Invalid value: '${value}'. Supported values are: ${options}.`, param, 'invalid_value');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Blob) return 'a file';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
