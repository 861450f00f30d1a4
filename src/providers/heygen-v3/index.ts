/**
 * HeyGen's v3 clip endpoint, `POST /v3/models/videos` with `heygen-video-1`
 * (reference/heygen-v3.md §4), which replaces the v1 workflow API HeyGen retired from
 * 2026-11-01 (providers/heygen/). Submissions carry an Idempotency-Key, so a crash between
 * sending one and recording its answer is recovered by sending the same key again.
 */
import { refuseFields, refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, modelOf, type FieldProblem, type ModelInfo, type ProviderModule, type ShotRequest } from '../module.js';
import { HEYGEN_ASSET_IMAGES } from '../heygen/index.js';

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
    defaultDuration: V3_DEFAULTS.duration,
    // No price: the reference gives none for heygen-video-1, so plans say "unknown", never $0.
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
  ...HEYGEN_ASSET_IMAGES,
  // The window in which the same key replays the first answer (§7); what happens after it is not documented.
  idempotency: { windowMs: 24 * 60 * 60_000 },
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

/*
 * What `options` may carry to `POST /v3/models/videos` (reference/heygen-v3.md §4): extra
 * fields pass through as given, except those videogen sets from shot fields, and the one
 * mode that is not a shot field.
 *
 * `reference_to_video` (up to 9 reference images, 3 videos and 3 audio clips steering one
 * clip) has no counterpart in the manifest's shared vocabulary, whose `reference_image` is a
 * first frame: it is reached through `options.mode: reference_to_video` with the references
 * written as the API's asset unions (`{type: url, url: https://…}` or `{type: asset_id, …}`).
 * They are sent as written: local files there are neither uploaded nor hashed by content.
 */

export type V3Mode = 'text_to_video' | 'image_to_video' | 'reference_to_video';

/** The mode a shot runs in: `reference_to_video` only when options ask for it, else as its image says. */
export function modeOf(shot: Pick<ShotRequest, 'reference_image' | 'options'>): V3Mode {
  if (shot.options?.mode === 'reference_to_video') return 'reference_to_video';
  return shot.reference_image === undefined ? 'text_to_video' : 'image_to_video';
}

/** Body fields videogen sets from shot fields: request field → the shot field that sets it. */
const RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  model: 'model',
  prompt: 'prompt',
  duration: 'duration',
  resolution: 'resolution',
  aspect_ratio: 'aspect_ratio',
  seed: 'seed',
  image: 'reference_image',
};

/** Each list's documented cap; together at most 12. */
const REFERENCE_LISTS: Readonly<Record<string, number>> = { reference_images: 9, reference_videos: 3, reference_audio: 3 };
const MAX_REFERENCES = 12;

const PROMPT_ENHANCEMENTS = ['turbo', 'quality', 'default', 'disabled'];

export function checkOptions(shot: ShotRequest): FieldProblem[] {
  const options = shot.options ?? {};
  const problems = refuseReservedOptions(options, RESERVED_OPTIONS);
  const problem = (optionKey: string, message: string, hint: string): void => {
    problems.push({ field: 'options', kind: 'value', optionKey, message, hint });
  };

  if (options.mode !== undefined && options.mode !== 'reference_to_video') {
    problem(
      'mode',
      `options.mode can only be reference_to_video; text_to_video and image_to_video follow from \`reference_image\`, not ${JSON.stringify(options.mode)}`,
      'remove options.mode: a shot with `reference_image` runs image_to_video, one without runs text_to_video',
    );
  }
  const referenceMode = modeOf(shot) === 'reference_to_video';
  if (referenceMode && shot.reference_image !== undefined) {
    problem(
      'mode',
      'reference_to_video takes no first frame (`reference_image`)',
      'list the image under options.reference_images instead, or drop options.mode for image_to_video',
    );
  }

  let total = 0;
  for (const [key, max] of Object.entries(REFERENCE_LISTS)) {
    const list = options[key];
    if (list === undefined) continue;
    if (!referenceMode) {
      problem(key, `options.${key} is only taken by reference_to_video`, 'add `mode: reference_to_video` to options, or remove the list');
      continue;
    }
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      problem(key, `options.${key} must be a list of 1 to ${max} assets`, 'write each as {type: url, url: https://…} or {type: asset_id, asset_id: …}');
      continue;
    }
    total += list.length;
    const bad = list.findIndex((item) => !isAssetUnion(item));
    if (bad >= 0) {
      problem(
        key,
        `options.${key}[${bad}] is not an asset: expected {type: url, url: https://…} or {type: asset_id, asset_id: …}`,
        'references in options are sent as written: give an https URL or the id of an asset uploaded to HeyGen (local files are not uploaded from options)',
      );
    }
  }
  if (referenceMode && total > MAX_REFERENCES) {
    problem('mode', `reference_to_video takes at most ${MAX_REFERENCES} references in all, not ${total}`, 'drop some references');
  }
  if (referenceMode && options.reference_images === undefined && options.reference_videos === undefined) {
    problem('mode', 'reference_to_video needs at least one reference image or video', 'add options.reference_images or options.reference_videos');
  }

  const enhancement = options.prompt_enhancement;
  if (enhancement !== undefined && !PROMPT_ENHANCEMENTS.includes(enhancement as string)) {
    problem(
      'prompt_enhancement',
      `options.prompt_enhancement is one of ${PROMPT_ENHANCEMENTS.join(', ')}, not ${JSON.stringify(enhancement)}`,
      'use `disabled` to send the prompt exactly as written',
    );
  }
  return problems;
}

/** The API's asset union with the `type` discriminator a bare `{asset_id}` lacks (base64 is not for YAML). */
function isAssetUnion(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  if (item.type === 'url') return typeof item.url === 'string' && /^https:\/\/\S+$/i.test(item.url);
  if (item.type === 'asset_id') return typeof item.asset_id === 'string' && item.asset_id !== '';
  return false;
}
