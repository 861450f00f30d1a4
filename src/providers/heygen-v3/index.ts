/**
 * HeyGen's v3 clip endpoint, `POST /v3/models/videos` with `heygen-video-1`
 * (reference/heygen-v3.md §4), which replaces the v1 workflow API HeyGen retired from
 * 2026-11-01 (providers/heygen/). Submissions carry an Idempotency-Key, so a crash between
 * sending one and recording its answer is recovered by sending the same key again.
 */
import { refuseFields, valueNotIn } from '../field-rules.js';
import { baseSpec, modelOf, type FieldProblem, type ModelInfo, type ProviderModule, type ShotRequest } from '../module.js';
import { HEYGEN_MAX_IMAGE_BYTES } from '../heygen/index.js';
import { checkOptions, modeOf } from './options.js';

const BASE_URL = 'https://api.heygen.com';
export const HEYGEN_V3_MODEL = 'heygen-video-1';

export const V3_DURATIONS: readonly number[] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
export const V3_RESOLUTIONS: readonly string[] = ['480p', '768p', '1080p', '2k'];
export const V3_ASPECT_RATIOS: readonly string[] = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
/** The API's defaults, written into the spec so that writing them out hashes like leaving them out. */
export const V3_DEFAULTS = { duration: 5, resolution: '768p', aspectRatio: '16:9' } as const;
/** 1080p and 2k are rendered only at these ratios. */
const WIDE_RESOLUTIONS = ['1080p', '2k'];
const WIDE_RATIOS = ['16:9', '9:16'];

/**
 * Model families of the retired v1 workflow API and of other services. v3 runs none of
 * them (§2, §9.6), and quietly mapping one to heygen-video-1 would bill for a different
 * model than the manifest names.
 */
const FOREIGN_MODEL = /(?:^|[^a-z])(veo|kling|sora|seedance|runway|ltx|wan|hailuo)/i;

const MODELS: readonly ModelInfo[] = [
  {
    id: HEYGEN_V3_MODEL,
    durations: V3_DURATIONS,
    aspectRatios: V3_ASPECT_RATIOS,
    resolutions: V3_RESOLUTIONS,
    referenceImage: true,
    audio: true,
    note: '24 fps with sound; 1080p and 2k at 16:9 or 9:16 only',
  },
];

export const heygenV3Module: ProviderModule = {
  type: 'heygen-v3',
  title: 'HeyGen v3 clips (POST /v3/models/videos, heygen-video-1) with Idempotency-Key',
  defaults: {
    baseUrl: BASE_URL,
    apiKeyEnv: 'HEYGEN_API_KEY',
    model: HEYGEN_V3_MODEL,
    // Pay-as-you-go accounts allow 10 jobs in flight (§7).
    concurrency: 4,
    poll: { initialMs: 5_000, maxMs: 30_000 },
    timeoutMs: 15 * 60_000,
  },
  auth: { kind: 'header', header: 'X-Api-Key' },
  emulatorPath: '',
  models: MODELS,
  // Asset uploads take png and jpeg (§3).
  imageTypes: ['image/png', 'image/jpeg'],
  // The window in which the same key replays the first answer (§7); what happens after it is not documented.
  idempotency: { windowMs: 24 * 60 * 60_000 },
  imageLimit: () => ({
    bytes: HEYGEN_MAX_IMAGE_BYTES,
    why: 'HeyGen uploads take at most 32 MB',
    hint: 'shrink or recompress the image (PNG or JPEG), or give an https URL',
  }),
  checkShot(shot) {
    const problems: FieldProblem[] = refuseFields(
      'heygen-v3',
      shot,
      ['aspect_ratio', 'duration', 'resolution', 'seed', 'audio', 'reference_image'],
      {
        size: { why: 'it takes a resolution and an aspect ratio', hint: `set \`resolution\` (${V3_RESOLUTIONS.join(', ')}) and \`aspect_ratio\` instead` },
        tail_image: { why: 'heygen-video-1 takes no last frame', hint: 'drop `tail_image`, or use a provider whose model takes one' },
      },
    );
    problems.push(...checkModel(shot), ...checkValues(shot), ...checkOptions(shot));
    return problems;
  },
  spec(shot, config) {
    const spec = baseSpec('heygen-v3', config, modelOf(heygenV3Module, shot), shot);
    spec.duration = shot.duration ?? V3_DEFAULTS.duration;
    spec.resolution = shot.resolution ?? V3_DEFAULTS.resolution;
    // image_to_video keeps its image's ratio (and refuses one); reference_to_video defaults to `adaptive`, which the manifest cannot write.
    const mode = modeOf(shot);
    if (mode === 'text_to_video') spec.aspect_ratio = shot.aspect_ratio ?? V3_DEFAULTS.aspectRatio;
    else if (mode === 'reference_to_video' && shot.aspect_ratio !== undefined) spec.aspect_ratio = shot.aspect_ratio;
    if (shot.seed !== undefined) spec.seed = shot.seed;
    // `audio` is left out: every clip has sound, so `audio: true` changes nothing and `false` is refused.
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createHeygenV3Provider,
};

function checkModel(shot: ShotRequest): FieldProblem[] {
  const family = shot.model === undefined ? undefined : FOREIGN_MODEL.exec(shot.model)?.[1];
  if (family === undefined) return [];
  return [
    {
      field: 'model',
      kind: 'value',
      message: `heygen-v3 runs only ${HEYGEN_V3_MODEL}: POST /v3/models/videos takes no ${family} model such as ${shot.model}`,
      hint: `write \`model: ${HEYGEN_V3_MODEL}\`, the default, or use a provider type that runs ${family}: openrouter, fal, vertex-veo`,
    },
  ];
}

function checkValues(shot: ShotRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const push = (problem: FieldProblem | undefined): void => {
    if (problem) problems.push(problem);
  };
  if (shot.duration !== undefined && !V3_DURATIONS.includes(shot.duration)) {
    push({
      field: 'duration',
      kind: 'value',
      message: `heygen-v3 takes a whole number of seconds from 5 to 15, not ${shot.duration}`,
      hint: 'write a whole number of seconds, such as 5, 8 or 15',
    });
  }
  if (shot.resolution !== undefined) push(valueNotIn('resolution', shot.resolution, V3_RESOLUTIONS, 'heygen-v3 renders at'));
  if (shot.audio === false) {
    push({
      field: 'audio',
      kind: 'value',
      message: `${HEYGEN_V3_MODEL} always generates sound`,
      hint: 'remove `audio: false`, and mute the clip afterwards if it must be silent',
    });
  }
  if (shot.reference_image !== undefined && /^http:\/\//i.test(shot.reference_image)) {
    push({ field: 'reference_image', kind: 'value', message: 'heygen-v3 fetches image URLs over https only', hint: 'use an https URL, or a local file, which videogen uploads' });
  }

  const mode = modeOf(shot);
  if (mode === 'image_to_video') {
    if (shot.aspect_ratio !== undefined) {
      push({
        field: 'aspect_ratio',
        kind: 'field',
        message: 'image_to_video keeps the ratio of its image and ignores `aspect_ratio`',
        hint: 'remove `aspect_ratio` from this shot, and from `defaults` if it comes from there; crop the image to get another ratio',
      });
    }
    return problems;
  }
  if (shot.aspect_ratio !== undefined) push(valueNotIn('aspect_ratio', shot.aspect_ratio, V3_ASPECT_RATIOS, 'heygen-v3 takes an aspect ratio of'));
  // reference_to_video without a ratio is `adaptive`, whose rendering at 1080p the reference does not settle: only a written ratio is checked.
  const ratio = mode === 'text_to_video' ? (shot.aspect_ratio ?? V3_DEFAULTS.aspectRatio) : shot.aspect_ratio;
  if (shot.resolution !== undefined && WIDE_RESOLUTIONS.includes(shot.resolution) && ratio !== undefined && !WIDE_RATIOS.includes(ratio)) {
    push({
      field: 'resolution',
      kind: 'value',
      message: `heygen-v3 renders ${shot.resolution} only at 16:9 or 9:16, not ${ratio}`,
      hint: 'use 768p or 480p for this ratio, or aspect_ratio "16:9" or "9:16"',
    });
  }
  return problems;
}
