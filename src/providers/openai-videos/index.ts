/**
 * Any OpenAI-compatible `/v1/videos` endpoint (reference/README.md, openai-videos.openapi.yaml).
 * OpenAI itself shut its Videos API and sora-2 down on 2026-09-24; resellers (Huixingyun,
 * LaoZhang) keep the format, so there is no sensible default endpoint or model.
 */
import { z } from 'zod';
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields, refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, modelOf, type FieldProblem, type ModelInfo, type ProviderModule } from '../module.js';

export type ReferenceFormat = 'multipart' | 'object' | 'string';

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

const SIZE_FOR_RATIO: Readonly<Record<string, string>> = { '16:9': '1280x720', '9:16': '720x1280' };

/** The `size` an aspect ratio maps to, or undefined when none does (1:1, 4:3, …). */
export function openAiSizeFor(aspectRatio: string): string | undefined {
  return SIZE_FOR_RATIO[aspectRatio];
}

/** OpenAI's `input_reference.image_url` (a data: URL when a local image is inlined) is at most this many characters. */
export const OPENAI_MAX_IMAGE_URL_CHARS = 20_971_520;
/** The longest data: URL prefix videogen writes (`data:image/jpeg;base64,`, `data:image/webp;base64,`). */
const DATA_URL_PREFIX_CHARS = 'data:image/jpeg;base64,'.length;
/** The largest image whose base64 data: URL still fits OpenAI's cap (about 15 MB: base64 adds a third). */
export const OPENAI_MAX_INLINE_IMAGE_BYTES = Math.floor((OPENAI_MAX_IMAGE_URL_CHARS - DATA_URL_PREFIX_CHARS) / 4) * 3;

/** Body fields set from dedicated shot fields; `options` must not override them. */
const RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  model: 'model',
  prompt: 'prompt',
  seconds: 'duration',
  size: 'size',
  input_reference: 'reference_image',
};

const SORA_RETIRED = { since: '2026-09-24', source: 'reference/README.md', replacement: "a reseller's model, such as veo-3.1-fast-generate-001 at Huixingyun" };

const MODELS: readonly ModelInfo[] = [
  { id: 'sora-2', durations: OPENAI_SECONDS, sizes: OPENAI_SIZES.slice(0, 4), referenceImage: true, retired: SORA_RETIRED },
  { id: 'sora-2-pro', durations: OPENAI_SECONDS, sizes: OPENAI_SIZES.slice(0, 4), referenceImage: true, retired: SORA_RETIRED },
  {
    id: 'veo-3.1-fast-generate-001',
    durations: OPENAI_SECONDS,
    sizes: OPENAI_SIZES.slice(4).concat(['1280x720', '720x1280']),
    referenceImage: true,
    note: 'Huixingyun (https://api.huixingyun.com/v1)',
  },
];

const ReferenceFormatSchema = z
  .enum(['multipart', 'object', 'string'])
  .describe(
    'openai-videos only: how `input_reference` is sent: a multipart file part (OpenAI), a JSON object {image_url} (OpenAI), ' +
      'or a plain string URL/base64 (Huixingyun). Default multipart.',
  );

export function referenceFormatOf(config: ProviderConfig): ReferenceFormat {
  return (config.settings.reference_format as ReferenceFormat | undefined) ?? 'multipart';
}

export const openAiVideosModule: ProviderModule = {
  type: 'openai-videos',
  title: 'OpenAI-compatible /v1/videos (Huixingyun and other resellers; OpenAI shut its own down on 2026-09-24)',
  defaults: {
    baseUrlHint:
      "give the endpoint of an OpenAI-compatible service, such as base_url: https://api.huixingyun.com/v1 (OpenAI's own was shut down on 2026-09-24)",
    apiKeyEnv: 'OPENAI_API_KEY',
    concurrency: 4,
    poll: { initialMs: 5_000, maxMs: 30_000 },
    timeoutMs: 15 * 60_000,
  },
  auth: { kind: 'header', header: 'Authorization', scheme: 'Bearer' },
  emulatorPath: '/v1',
  settings: { reference_format: ReferenceFormatSchema },
  models: MODELS,
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  imageLimit(config) {
    const format = referenceFormatOf(config);
    // A multipart file part has no documented limit; inline dialects carry the image as base64 text.
    if (format === 'multipart') return undefined;
    return {
      bytes: OPENAI_MAX_INLINE_IMAGE_BYTES,
      why: `\`reference_format: ${format}\` inlines it as base64 text, capped at 20 MB, so the image can be at most 15.0 MB`,
      hint: 'shrink the image, give an https URL, or use `reference_format: multipart` if the endpoint accepts it',
    };
  },
  retiredAt(config) {
    if (config.emulate || new URL(config.baseUrl).origin !== 'https://api.openai.com') return undefined;
    return {
      what: "OpenAI's own Videos API",
      since: '2026-09-24',
      replacement: 'an OpenAI-compatible reseller endpoint, such as base_url: https://api.huixingyun.com/v1',
      source: 'reference/README.md',
    };
  },
  checkShot(shot) {
    const problems: FieldProblem[] = refuseFields('openai-videos', shot, ['aspect_ratio', 'duration', 'size', 'reference_image'], {
      tail_image: { why: 'last-frame guidance is not part of the Videos API', hint: 'use a provider that takes it (heygen-v3, openrouter, fal), or drop `tail_image`' },
      resolution: { why: 'the Videos API takes `size`', hint: `set \`size\` instead: one of ${OPENAI_SIZES.join(', ')}` },
    });
    if (shot.duration !== undefined) {
      const problem = valueNotIn('duration', shot.duration, OPENAI_SECONDS, 'openai-videos accepts a duration of');
      if (problem) problems.push({ ...problem, message: `openai-videos accepts a duration of 4, 8 or 12 seconds, not ${shot.duration}`, hint: 'the Videos API takes `seconds` as "4", "8" or "12"' });
    }
    if (shot.size !== undefined) {
      const problem = valueNotIn('size', shot.size, OPENAI_SIZES, 'openai-videos accepts a size of');
      if (problem) problems.push(problem);
    }
    // Without an explicit size the ratio has to map to one of the API's sizes.
    if (shot.size === undefined && shot.aspect_ratio !== undefined && openAiSizeFor(shot.aspect_ratio) === undefined) {
      problems.push({
        field: 'aspect_ratio',
        kind: 'value',
        message: `openai-videos has no size for aspect ratio ${shot.aspect_ratio} (only 16:9 and 9:16 map to one)`,
        hint: `set \`size\` instead: one of ${OPENAI_SIZES.join(', ')}`,
      });
    }
    problems.push(...refuseReservedOptions(shot.options, RESERVED_OPTIONS));
    return problems;
  },
  spec(shot, config) {
    const spec = baseSpec('openai-videos', config, modelOf(openAiVideosModule, shot), shot);
    // The API only takes `size`; the ratio is a way of writing it, so the spec holds the size
    // actually sent (16:9 and size 1280x720 are the same video).
    if (shot.duration !== undefined) spec.duration = shot.duration;
    const size = shot.size ?? openAiSizeFor(shot.aspect_ratio ?? '16:9');
    if (size !== undefined) spec.size = size;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createOpenAiVideosProvider,
};
