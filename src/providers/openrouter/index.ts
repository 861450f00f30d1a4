/**
 * OpenRouter's async video API (`/api/v1/videos`, reference/openrouter-videos.md): one key
 * for Veo 3.1, Kling, Seedance, Wan, Hailuo and heygen-video-1, with the cost of each job
 * reported back (`usage.cost`). No job list and no idempotency key: a submission whose answer
 * was lost is submitted again with a "may bill twice" warning.
 */
import { refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, findModel, modelOf, type FieldProblem, type ModelInfo, type ProviderModule, type ShotRequest } from '../module.js';

export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

/** `resolution` values the request schema takes (reference §2). */
export const OPENROUTER_RESOLUTIONS: readonly string[] = ['480p', '720p', '768p', '1080p', '1K', '2K', '4K'];
/** `aspect_ratio` values the request schema takes (reference §2). */
export const OPENROUTER_ASPECT_RATIOS: readonly string[] = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'];

/** Body fields set from dedicated shot fields (request field → shot field); `options` must not override them. */
export const OPENROUTER_RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  model: 'model',
  prompt: 'prompt',
  duration: 'duration',
  resolution: 'resolution',
  aspect_ratio: 'aspect_ratio',
  size: 'size',
  // Shown as `…`-quoted text in the message: frame_images carries both images.
  frame_images: 'reference_image` / `tail_image',
  generate_audio: 'audio',
  seed: 'seed',
};

const SORA_RETIRED = {
  since: '2026-09-24',
  replacement: 'google/veo-3.1',
  source: 'reference/README.md (OpenAI shut down sora-2 and its Videos API)',
};

/**
 * The ids the reference lists (§6). It states limits for heygen-video-1 only (480p/768p,
 * 5–15 s, from its OpenRouter page); every other model's durations, resolutions, ratios and
 * frame types live in `GET /videos/models` and change, so they are left unchecked here: the
 * API refuses an out-of-set value with a 400 that costs nothing known.
 */
const MODELS: readonly ModelInfo[] = [
  { id: 'google/veo-3.1' },
  { id: 'google/veo-3.1-fast' },
  { id: 'google/veo-3.1-lite' },
  { id: 'kwaivgi/kling-v3.0-pro' },
  { id: 'kwaivgi/kling-v3.0-std' },
  { id: 'bytedance/seedance-2.0' },
  { id: 'bytedance/seedance-2.0-fast' },
  { id: 'alibaba/wan-2.7' },
  { id: 'minimax/hailuo-2.3' },
  {
    id: 'heygen/heygen-video-1',
    durations: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    resolutions: ['480p', '768p'],
    note: 'narrower than HeyGen direct (type heygen-v3)',
  },
  { id: 'openai/sora-2-pro', retired: SORA_RETIRED },
];

/** `4k` → `4K`, `1080P` → `1080p`: the manifest takes either case, the API one spelling. */
export function openRouterResolution(resolution: string): string {
  return /k$/i.test(resolution) ? resolution.toUpperCase() : resolution.toLowerCase();
}

function checkDuration(shot: ShotRequest, model: ModelInfo | undefined, problems: FieldProblem[]): void {
  const duration = shot.duration;
  if (duration === undefined) return;
  if (!Number.isInteger(duration) || duration < 1) {
    problems.push({
      field: 'duration',
      kind: 'value',
      message: `openrouter takes a whole number of seconds, not ${duration}`,
      hint: 'the API sends `duration` as an integer of at least 1',
    });
    return;
  }
  if (model?.durations) {
    const problem = valueNotIn('duration', duration, model.durations, `${model.id} takes a duration (seconds) of`);
    if (problem) problems.push(problem);
  }
}

function checkShape(shot: ShotRequest, model: ModelInfo | undefined, problems: FieldProblem[]): void {
  if (shot.resolution !== undefined) {
    const resolution = openRouterResolution(shot.resolution);
    const problem =
      valueNotIn('resolution', resolution, OPENROUTER_RESOLUTIONS, 'openrouter takes a resolution of') ??
      (model?.resolutions ? valueNotIn('resolution', resolution, model.resolutions, `${model.id} takes a resolution of`) : undefined);
    if (problem) problems.push(problem);
    if (shot.size !== undefined) {
      problems.push({
        field: 'size',
        kind: 'value',
        message: '`size` is the alternative to `resolution` + `aspect_ratio` (both set the frame size)',
        hint: 'set `size`, or `resolution` (with `aspect_ratio`), not both',
      });
    }
  }
  // With `size` the ratio is not sent (size wins, as a default ratio is common), so it is not checked.
  if (shot.aspect_ratio !== undefined && shot.size === undefined) {
    const problem = valueNotIn('aspect_ratio', shot.aspect_ratio, OPENROUTER_ASPECT_RATIOS, 'openrouter takes an aspect ratio of');
    if (problem) problems.push(problem);
  }
}

export const openRouterModule: ProviderModule = {
  type: 'openrouter',
  title: 'OpenRouter videos (/api/v1/videos): Veo 3.1, Kling, Seedance, Wan, Hailuo, heygen-video-1; reports usage.cost',
  defaults: {
    baseUrl: OPENROUTER_BASE_URL,
    apiKeyEnv: 'OPENROUTER_API_KEY',
    // No default model: prices differ by an order of magnitude between them.
    concurrency: 4,
    // The API page asks for a poll every 10–30 s (reference §3).
    poll: { initialMs: 10_000, maxMs: 30_000 },
    // Not documented; Veo and Kling jobs take minutes, longer under load.
    timeoutMs: 20 * 60_000,
  },
  auth: { kind: 'header', header: 'Authorization', scheme: 'Bearer' },
  emulatorPath: '/api/v1',
  models: MODELS,
  // The document shows PNG data: URLs and https URLs; the upstream models take JPEG and WebP too,
  // and a type the API refuses is a free 400, not a bill.
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  // No size limit is documented for `frame_images` URLs, data: URLs included.
  imageLimit: () => undefined,
  checkShot(shot) {
    const model = shot.model === undefined ? undefined : findModel(openRouterModule, shot.model);
    const problems: FieldProblem[] = [];
    checkDuration(shot, model, problems);
    checkShape(shot, model, problems);
    problems.push(...refuseReservedOptions(shot.options, OPENROUTER_RESERVED_OPTIONS));
    return problems;
  },
  spec(shot, config) {
    const spec = baseSpec('openrouter', config, modelOf(openRouterModule, shot), shot);
    // No default is documented for any of these (they are the model's), so an absent field
    // stays absent: writing the model's default out may hash differently, never wrongly.
    if (shot.duration !== undefined) spec.duration = shot.duration;
    if (shot.size !== undefined) spec.size = shot.size;
    else if (shot.aspect_ratio !== undefined) spec.aspect_ratio = shot.aspect_ratio;
    if (shot.resolution !== undefined) spec.resolution = openRouterResolution(shot.resolution);
    if (shot.seed !== undefined) spec.seed = shot.seed;
    if (shot.audio !== undefined) spec.audio = shot.audio;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createOpenRouterProvider,
};
