/**
 * The emulator's own table of OpenRouter video models: what `GET /videos/models` lists and
 * what `POST /videos` enforces. Kept apart from the client's table on purpose (a stand-in
 * sharing the client's assumptions could not catch them; see heygen/validation.ts).
 *
 * The ids are the reference's (reference/openrouter-videos.md §6). Its only stated limits
 * are heygen-video-1's (480p/768p, 5–15 s); veo-3.1-lite follows the document's example
 * (§10). The other capabilities and every price are the emulator's stand-ins, shaped like
 * the real answers (string prices under varying SKU names, §6) so that a client validating
 * against `/videos/models`, or trusting one SKU name, meets what it would meet there.
 */

export const FRAME_TYPES = ['first_frame', 'last_frame'] as const;
export type FrameType = (typeof FRAME_TYPES)[number];

export interface EmulatedModel {
  id: string;
  name: string;
  resolutions: readonly string[];
  aspectRatios: readonly string[];
  durations: readonly number[];
  /** Used when a request gives no duration. */
  defaultDuration: number;
  frameImages: readonly FrameType[];
  audio: boolean | null;
  seed: boolean | null;
  /** What `usage.cost` charges per second of video (USD). */
  usdPerSecond: number;
  /** As `/videos/models` shows it: string prices, SKU names that vary. */
  pricingSkus: Record<string, string>;
  passthrough: readonly string[];
  /** Takes audio and video `input_references`, not only images (Seedance 2+, §2). */
  mediaReferences?: boolean;
}

const WIDE_TALL = ['16:9', '9:16'] as const;
const MANY_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
const BOTH_FRAMES: readonly FrameType[] = FRAME_TYPES;
const FIRST_FRAME: readonly FrameType[] = ['first_frame'];
const SECONDS_5_TO_15 = Array.from({ length: 11 }, (_, i) => i + 5);

function perSecond(usd: number): Pick<EmulatedModel, 'usdPerSecond' | 'pricingSkus'> {
  return { usdPerSecond: usd, pricingSkus: { 'per-video-second': String(usd) } };
}

export const EMULATED_MODELS: readonly EmulatedModel[] = [
  {
    id: 'google/veo-3.1',
    name: 'Veo 3.1',
    resolutions: ['720p', '1080p'],
    aspectRatios: WIDE_TALL,
    durations: [4, 6, 8],
    defaultDuration: 8,
    frameImages: BOTH_FRAMES,
    audio: true,
    seed: true,
    usdPerSecond: 0.4,
    pricingSkus: { 'per-video-second': '0.40', 'per-video-second-1080p': '0.40' },
    passthrough: ['negativePrompt', 'personGeneration'],
  },
  {
    id: 'google/veo-3.1-fast',
    name: 'Veo 3.1 Fast',
    resolutions: ['720p', '1080p'],
    aspectRatios: WIDE_TALL,
    durations: [4, 6, 8],
    defaultDuration: 8,
    frameImages: BOTH_FRAMES,
    audio: true,
    seed: true,
    ...perSecond(0.15),
    passthrough: ['negativePrompt'],
  },
  {
    id: 'google/veo-3.1-lite',
    name: 'Veo 3.1 Lite',
    resolutions: ['720p', '1080p'],
    aspectRatios: WIDE_TALL,
    durations: [4, 6, 8],
    defaultDuration: 8,
    frameImages: FIRST_FRAME,
    audio: true,
    seed: true,
    ...perSecond(0.05),
    passthrough: ['negativePrompt'],
  },
  {
    id: 'kwaivgi/kling-v3.0-pro',
    name: 'Kling v3.0 Pro',
    resolutions: ['720p', '1080p'],
    aspectRatios: ['16:9', '9:16', '1:1'],
    durations: [5, 10],
    defaultDuration: 5,
    frameImages: BOTH_FRAMES,
    audio: true,
    seed: null,
    ...perSecond(0.14),
    passthrough: ['negative_prompt', 'cfg_scale'],
  },
  {
    id: 'kwaivgi/kling-v3.0-std',
    name: 'Kling v3.0 Standard',
    resolutions: ['720p'],
    aspectRatios: ['16:9', '9:16', '1:1'],
    durations: [5, 10],
    defaultDuration: 5,
    frameImages: FIRST_FRAME,
    audio: false,
    seed: null,
    ...perSecond(0.07),
    passthrough: ['negative_prompt'],
  },
  {
    id: 'bytedance/seedance-2.0',
    name: 'Seedance 2.0',
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: MANY_RATIOS,
    durations: [4, 5, 6, 8, 10, 12],
    defaultDuration: 5,
    frameImages: BOTH_FRAMES,
    audio: true,
    seed: true,
    usdPerSecond: 0.12,
    // A per-token SKU as in the cookbook (§6): never assume per-second prices.
    pricingSkus: { 'per-video-token': '0.0000012' },
    passthrough: ['camera_fixed'],
    mediaReferences: true,
  },
  {
    id: 'bytedance/seedance-2.0-fast',
    name: 'Seedance 2.0 Fast',
    resolutions: ['480p', '720p'],
    aspectRatios: MANY_RATIOS,
    durations: [4, 5, 6, 8, 10, 12],
    defaultDuration: 5,
    frameImages: FIRST_FRAME,
    audio: true,
    seed: true,
    usdPerSecond: 0.05,
    pricingSkus: { 'per-video-token': '0.0000005' },
    passthrough: ['camera_fixed'],
    mediaReferences: true,
  },
  {
    id: 'alibaba/wan-2.7',
    name: 'Wan 2.7',
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: MANY_RATIOS,
    durations: [5, 10],
    defaultDuration: 5,
    frameImages: BOTH_FRAMES,
    audio: true,
    seed: true,
    usdPerSecond: 0.1,
    pricingSkus: { generate: '0.50' },
    passthrough: ['negative_prompt'],
  },
  {
    id: 'minimax/hailuo-2.3',
    name: 'Hailuo 2.3',
    resolutions: ['768p', '1080p'],
    aspectRatios: ['16:9'],
    durations: [6, 10],
    defaultDuration: 6,
    frameImages: FIRST_FRAME,
    audio: null,
    seed: null,
    ...perSecond(0.045),
    passthrough: ['prompt_optimizer'],
  },
  {
    id: 'heygen/heygen-video-1',
    name: 'HeyGen Video 1',
    resolutions: ['480p', '768p'],
    aspectRatios: WIDE_TALL,
    durations: SECONDS_5_TO_15,
    defaultDuration: 5,
    frameImages: FIRST_FRAME,
    audio: true,
    seed: null,
    ...perSecond(0.06),
    passthrough: [],
  },
];

export function emulatedModel(id: string): EmulatedModel | undefined {
  return EMULATED_MODELS.find((model) => model.id === id);
}

/** A fixed creation time, so the listing is the same on every call and in every process. */
const CREATED = 1_786_000_000;

/** One entry of `GET /videos/models`, every documented field present (reference §6). */
export function videoModelEntry(model: EmulatedModel): Record<string, unknown> {
  return {
    id: model.id,
    canonical_slug: model.id,
    hugging_face_id: null,
    name: model.name,
    description: `${model.name} on the videogen emulator`,
    created: CREATED,
    supported_resolutions: model.resolutions,
    supported_aspect_ratios: model.aspectRatios,
    supported_sizes: null,
    supported_durations: model.durations,
    supported_frame_images: model.frameImages,
    generate_audio: model.audio,
    seed: model.seed,
    pricing_skus: model.pricingSkus,
    allowed_passthrough_parameters: model.passthrough,
    creativity: null,
    upscale_factor: null,
  };
}

/** What a completed job costs, rounded to a millionth of a dollar as USD amounts are. */
export function jobCost(model: EmulatedModel, seconds: number): number {
  return Math.round(model.usdPerSecond * seconds * 1e6) / 1e6;
}
