/**
 * What each provider type accepts, as data. Pure: no I/O and no imports beyond types, so
 * `validate`/`plan` can check shots without loading provider or HTTP modules, and the
 * providers themselves can reuse the same facts (see /work/shared/reference/README.md).
 */
import { didYouMean } from './did-you-mean.js';
import type { ProviderType, ReferenceFormat } from './types.js';

export const PROVIDER_TYPES: readonly ProviderType[] = ['heygen', 'openai-videos'];
export const REFERENCE_FORMATS: readonly ReferenceFormat[] = ['multipart', 'object', 'string'];

export const DEFAULT_BASE_URL: Record<ProviderType, string> = {
  heygen: 'https://api.heygen.com',
  'openai-videos': 'https://api.openai.com/v1',
};

export const DEFAULT_API_KEY_ENV: Record<ProviderType, string> = {
  heygen: 'HEYGEN_API_KEY',
  'openai-videos': 'OPENAI_API_KEY',
};

export const DEFAULT_MODEL: Record<ProviderType, string> = {
  heygen: 'veo_3_1',
  'openai-videos': 'sora-2',
};

export const DEFAULT_ASPECT_RATIO = '16:9';

/**
 * HeyGen's documented upstream models (`input.provider`). Not a whitelist: upstream lists
 * grow, so an unknown model is accepted; the list only feeds "did you mean".
 */
export const HEYGEN_MODELS: readonly string[] = [
  'veo_3_1',
  'veo_3_1_fast',
  'veo3',
  'veo3_fast',
  'veo2',
  'kling_pro',
  'kling_v2',
  'sora_v2',
  'sora_v2_pro',
  'runway_gen4',
  'seedance_lite',
  'seedance_pro',
  'ltx_distilled',
];

/** Models OpenAI documents; resellers add their own ids, so this is not a whitelist either. */
export const OPENAI_MODELS: readonly string[] = ['sora-2', 'sora-2-pro'];

/** `seconds` values the Videos API accepts (sent as strings). */
export const OPENAI_SECONDS: readonly number[] = [4, 8, 12];

/** The union of OpenAI's and Huixingyun's documented sizes. */
export const OPENAI_SIZES: readonly string[] = [
  '720x1280',
  '1280x720',
  '1024x1792',
  '1792x1024',
  '1920x1080',
  '1080x1920',
  '3840x2160',
  '2160x3840',
];

const OPENAI_SIZE_FOR_RATIO: Readonly<Record<string, string>> = {
  '16:9': '1280x720',
  '9:16': '720x1280',
};

/** The `size` an aspect ratio maps to on the Videos API, or undefined when none does (1:1, 4:3, …). */
export function openAiSizeFor(aspectRatio: string): string | undefined {
  return OPENAI_SIZE_FOR_RATIO[aspectRatio];
}

/** HeyGen's `POST /v3/assets`, which local images go through, takes at most 32 MB. */
export const HEYGEN_MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** OpenAI's `input_reference.image_url` (a data: URL when a local image is inlined) is at most this many characters. */
export const OPENAI_MAX_IMAGE_URL_CHARS = 20_971_520;

/** The longest data: URL prefix videogen writes (`data:image/jpeg;base64,`, `data:image/webp;base64,`). */
const DATA_URL_PREFIX_CHARS = 'data:image/jpeg;base64,'.length;

/** The largest image whose base64 data: URL still fits OpenAI's cap (about 15 MB: base64 adds a third). */
export const OPENAI_MAX_INLINE_IMAGE_BYTES = Math.floor((OPENAI_MAX_IMAGE_URL_CHARS - DATA_URL_PREFIX_CHARS) / 4) * 3;

/**
 * The largest local reference/tail image a provider entry can send, or undefined when no
 * limit is documented (OpenAI's multipart file part). Inline dialects (`object`, `string`)
 * send the image as base64 text inside JSON, so OpenAI's 20 MB data: URL cap applies.
 */
export function maxLocalImageBytes(type: ProviderType, referenceFormat: ReferenceFormat): number | undefined {
  if (type === 'heygen') return HEYGEN_MAX_IMAGE_BYTES;
  return referenceFormat === 'multipart' ? undefined : OPENAI_MAX_INLINE_IMAGE_BYTES;
}

/** Body fields the OpenAI provider sets itself; `options` must not override them. */
const OPENAI_RESERVED_OPTION_KEYS: Readonly<Record<string, string>> = {
  model: 'model',
  prompt: 'prompt',
  seconds: 'duration',
  size: 'size',
  input_reference: 'reference_image',
};

/** Shot fields whose acceptance depends on the provider type. */
export type CapabilityField =
  | 'model'
  | 'aspect_ratio'
  | 'duration'
  | 'size'
  | 'reference_image'
  | 'tail_image'
  | 'options';

export interface ShotCapabilityFields {
  model?: string;
  aspect_ratio?: string;
  /** Seconds. */
  duration?: number;
  size?: string;
  reference_image?: boolean;
  tail_image?: boolean;
  options?: Record<string, unknown>;
}

export interface FieldProblem {
  field: CapabilityField;
  /** `field`: the type cannot take this field at all; `value`: it rejects this value. */
  kind: 'field' | 'value';
  /** For `options`: the offending key inside it. */
  optionKey?: string;
  message: string;
  hint?: string;
}

/** Which shot fields a provider type takes at all (prompt and model always). */
export const ACCEPTED_FIELDS: Record<ProviderType, readonly string[]> = {
  heygen: ['prompt', 'model', 'aspect_ratio', 'reference_image', 'tail_image', 'options'],
  'openai-videos': ['prompt', 'model', 'duration', 'size', 'aspect_ratio', 'reference_image', 'options'],
};

/**
 * The problems a provider type has with a shot's fields (after defaults are merged);
 * empty when it can take the shot as written.
 */
export function checkShotForProviderType(type: ProviderType, fields: ShotCapabilityFields): FieldProblem[] {
  return type === 'heygen' ? checkHeygen(fields) : checkOpenAiVideos(fields);
}

function checkHeygen(fields: ShotCapabilityFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // HeyGen's GenerateVideoNode has no duration or size input; model-specific knobs go in input.config.
  if (fields.duration !== undefined) {
    problems.push({
      field: 'duration',
      kind: 'field',
      message: 'heygen takes no `duration` (the upstream model decides the length)',
      hint: 'pass model-specific settings through `options` (sent as input.config)',
    });
  }
  if (fields.size !== undefined) {
    problems.push({
      field: 'size',
      kind: 'field',
      message: 'heygen takes no `size`',
      hint: 'use `aspect_ratio` ("16:9", "9:16", "1:1"); other settings go in `options` (sent as input.config)',
    });
  }
  return problems;
}

function checkOpenAiVideos(fields: ShotCapabilityFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (fields.duration !== undefined && !OPENAI_SECONDS.includes(fields.duration)) {
    problems.push({
      field: 'duration',
      kind: 'value',
      message: `openai-videos accepts a duration of 4, 8 or 12 seconds, not ${fields.duration}`,
      hint: 'the Videos API takes `seconds` as "4", "8" or "12"',
    });
  }
  if (fields.size !== undefined && !OPENAI_SIZES.includes(fields.size)) {
    const close = didYouMean(fields.size, OPENAI_SIZES);
    problems.push({
      field: 'size',
      kind: 'value',
      message: `openai-videos accepts a size of ${OPENAI_SIZES.join(', ')}, not ${fields.size}`,
      ...(close === undefined ? {} : { hint: `did you mean \`${close}\`?` }),
    });
  }
  // Without an explicit size the ratio has to map to one of the API's sizes.
  if (fields.size === undefined && fields.aspect_ratio !== undefined && openAiSizeFor(fields.aspect_ratio) === undefined) {
    problems.push({
      field: 'aspect_ratio',
      kind: 'value',
      message: `openai-videos has no size for aspect ratio ${fields.aspect_ratio} (only 16:9 and 9:16 map to one)`,
      hint: `set \`size\` instead: one of ${OPENAI_SIZES.join(', ')}`,
    });
  }
  if (fields.tail_image) {
    problems.push({
      field: 'tail_image',
      kind: 'field',
      message: 'openai-videos takes no `tail_image` (last-frame guidance is a HeyGen feature)',
      hint: 'use a heygen provider for this shot, or drop `tail_image`',
    });
  }
  for (const key of Object.keys(fields.options ?? {})) {
    const field = OPENAI_RESERVED_OPTION_KEYS[key];
    if (field !== undefined) {
      problems.push({
        field: 'options',
        kind: 'field',
        optionKey: key,
        message: `options.${key} would override the request's \`${key}\`, which videogen sets from \`${field}\``,
        hint: `set \`${field}\` on the shot instead`,
      });
    }
  }
  return problems;
}

/** A documented model close to an unknown one (for a warning, never an error). */
export function suggestKnownModel(type: ProviderType, model: string): string | undefined {
  const known = type === 'heygen' ? HEYGEN_MODELS : OPENAI_MODELS;
  if (known.includes(model)) return undefined;
  return didYouMean(model, known);
}
