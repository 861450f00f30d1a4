/**
 * Runway's video models as the reference's table gives them (reference/replicate-and-runway.md,
 * "Runway", from the official SDK): which endpoints each takes, its pixel-string ratios, its
 * durations and prompt limit; and how a shot's ratio is chosen from them. Pure.
 */
import { valueNotIn } from '../field-rules.js';
import type { FieldProblem, ModelInfo, ShotRequest } from '../module.js';

export interface RunwayModel {
  info: ModelInfo;
  /** Takes `POST /v1/text_to_video` (every model takes image_to_video). */
  textToVideo: boolean;
  /** Documented `ratio` values per endpoint; absent where the reference gives no list. */
  ratios?: { imageToVideo: readonly string[]; textToVideo: readonly string[] };
  /** `duration` as a whole number in a range (gen4.5 2–10); `info.durations` lists it too. */
  durationRange?: { min: number; max: number };
  /** UTF-16 code units (JavaScript string length). */
  maxPromptLength: number;
  /** image_to_video keeps the image's ratio and takes none (happyhorse). */
  ratioFollowsImage?: boolean;
  /** Takes `resolution` itself, as these words (happyhorse: 720P, 1080P). */
  resolutionValues?: Readonly<Record<string, string>>;
}

const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'] as const;
const VEO_RATIOS = ['1280:720', '720:1280', '1080:1920', '1920:1080'] as const;
const WIDE_RATIOS = ['1280:720', '720:1280'] as const;

/** The shapes those sizes are, for `videogen models` and "did you mean" (1104:832 is Runway's 4:3). */
const GEN4_SHAPES = ['16:9', '9:16', '4:3', '1:1', '3:4', '21:9'];
const WIDE_SHAPES = ['16:9', '9:16'];

const range = (min: number, max: number): number[] => Array.from({ length: max - min + 1 }, (_, i) => min + i);
/** `1280:720` as the manifest's `size` writes it, for `videogen models`. */
const sizes = (ratios: readonly string[]): string[] => ratios.map((ratio) => ratio.replace(':', 'x'));

const veo = (id: string, durations: number[], tailImage: boolean): RunwayModel => ({
  // `defaultDuration` is sent when a shot sets none (Veo's longest, its usual default).
  info: { id, durations, defaultDuration: 8, aspectRatios: WIDE_SHAPES, sizes: sizes(VEO_RATIOS), referenceImage: true, tailImage, audio: true, note: '`audio` changes the price' },
  textToVideo: true,
  ratios: { imageToVideo: VEO_RATIOS, textToVideo: VEO_RATIOS },
  maxPromptLength: 1000,
});

const seedance = (id: string, note: string): RunwayModel => ({
  info: { id, referenceImage: true, audio: false, note },
  textToVideo: true,
  maxPromptLength: 3500,
});

/**
 * `tailImage` (a `{uri, position: "last"}` prompt image) is marked only for Veo 3.1, whose
 * last-frame control Google documents (reference/vertex-veo.md); which other Runway models take
 * one the reference does not say, so they are refused it. `audio` likewise only on Veo.
 */
export const RUNWAY_MODELS: readonly RunwayModel[] = [
  {
    // The API requires a duration; 5 s, the reference's example, is sent when a shot sets none.
    info: { id: 'gen4.5', durations: range(2, 10), defaultDuration: 5, aspectRatios: GEN4_SHAPES, sizes: sizes(GEN4_RATIOS), referenceImage: true, audio: false, note: 'text to video at 16:9 and 9:16 only' },
    textToVideo: true,
    ratios: { imageToVideo: GEN4_RATIOS, textToVideo: WIDE_RATIOS },
    durationRange: { min: 2, max: 10 },
    maxPromptLength: 1000,
  },
  {
    info: { id: 'gen4_turbo', aspectRatios: GEN4_SHAPES, sizes: sizes(GEN4_RATIOS), referenceImage: true, audio: false, note: 'image to video only' },
    textToVideo: false,
    ratios: { imageToVideo: GEN4_RATIOS, textToVideo: [] },
    maxPromptLength: 1000,
  },
  veo('veo3.1', [4, 6, 8], true),
  veo('veo3.1_fast', [4, 6, 8], true),
  veo('veo3', [8], false),
  seedance('seedance2', 'up to 24 ratios up to 3840:3840: write `size`'),
  seedance('seedance2_fast', 'up to 720p: write `size`'),
  seedance('seedance2_mini', 'up to 720p: write `size`'),
  {
    info: { id: 'gemini_omni_flash', durations: range(3, 10), aspectRatios: WIDE_SHAPES, sizes: sizes(WIDE_RATIOS), referenceImage: true, audio: false },
    textToVideo: true,
    ratios: { imageToVideo: WIDE_RATIOS, textToVideo: WIDE_RATIOS },
    durationRange: { min: 3, max: 10 },
    maxPromptLength: 1000,
  },
  {
    info: { id: 'happyhorse_1_0', resolutions: ['720p', '1080p'], referenceImage: true, audio: false, note: 'image to video keeps the image\'s ratio' },
    textToVideo: true,
    ratioFollowsImage: true,
    resolutionValues: { '720p': '720P', '1080p': '1080P' },
    maxPromptLength: 2500,
  },
];

export const DEFAULT_RUNWAY_MODEL = 'gen4.5';

export function knownRunwayModel(model: string): RunwayModel | undefined {
  return RUNWAY_MODELS.find((entry) => entry.info.id === model);
}

/**
 * For a model whose ratios the reference does not list (Seedance, HappyHorse's text to video,
 * models videogen does not know): the sizes every documented list shares, by ratio and resolution.
 */
const COMMON_RATIOS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '16:9': { '720p': '1280:720', '1080p': '1920:1080' },
  '9:16': { '720p': '720:1280', '1080p': '1080:1920' },
};

/** Ratios this close (on a log scale) are the same shape: Runway's 1104:832 is its 4:3. */
const SAME_SHAPE = 0.02;

export type RatioChoice = { ratio?: string; problems: FieldProblem[] };

/**
 * Runway takes `ratio` as pixels (`1280:720`), not as `16:9`. The manifest writes either
 * `size` (WxH, sent as W:H) or `aspect_ratio` (+ `resolution` to choose between two sizes of
 * one ratio): this picks the model's documented ratio for them, or says why none fits.
 */
export function runwayRatio(shot: ShotRequest, model: string): RatioChoice {
  const entry = knownRunwayModel(model);
  const imageToVideo = shot.reference_image !== undefined;
  // No text to video at all (gen4_turbo): the module says that, and no ratio would help.
  if (entry && !imageToVideo && !entry.textToVideo) return { problems: [] };
  if (entry?.ratioFollowsImage && imageToVideo) {
    const written = shot.size !== undefined ? 'size' : shot.aspect_ratio !== undefined ? 'aspect_ratio' : undefined;
    if (written === undefined) return { problems: [] };
    return {
      problems: [
        {
          field: written,
          kind: 'field',
          message: `${model} keeps the ratio of its image and takes no \`${written}\``,
          hint: `remove \`${written}\` from this shot (and from \`defaults\` if it comes from there); crop the image for another ratio`,
        },
      ],
    };
  }
  const documented = entry?.ratios && (imageToVideo ? entry.ratios.imageToVideo : entry.ratios.textToVideo);
  // Where the model takes `resolution` itself, it does not choose the ratio's size.
  const resolution = entry?.resolutionValues ? undefined : shot.resolution;
  if (shot.size !== undefined) return fromSize(shot.size, resolution, documented, model);
  const aspect = shot.aspect_ratio ?? (documented ? '16:9' : undefined);
  if (aspect === undefined) {
    if (resolution === undefined) return { problems: [] };
    return { problems: [{ field: 'resolution', kind: 'field', message: `${model} has no documented ratios to pick a ${resolution} size from`, hint: 'write `size` (such as 1920x1080) instead of `resolution`' }] };
  }
  return fromAspect(aspect, resolution, documented, model, imageToVideo);
}

function fromSize(size: string, resolution: string | undefined, documented: readonly string[] | undefined, model: string): RatioChoice {
  const ratio = size.replace('x', ':');
  const problems: FieldProblem[] = [];
  if (documented) {
    const problem = valueNotIn('size', size, documented.map((r) => r.replace(':', 'x')), `${model} takes a size of`);
    if (problem) problems.push(problem);
  }
  if (resolution !== undefined && tierOf(ratio) !== resolution) {
    problems.push({ field: 'resolution', kind: 'value', message: `size ${size} is ${tierOf(ratio)}, not ${resolution}`, hint: 'write either `size` or `resolution`, not both' });
  }
  return { ratio, problems };
}

function fromAspect(aspect: string, resolution: string | undefined, documented: readonly string[] | undefined, model: string, imageToVideo: boolean): RatioChoice {
  const candidates = documented
    ? documented.filter((ratio) => Math.abs(Math.log(shapeOf(ratio) / shapeOf(aspect))) < SAME_SHAPE)
    : Object.values(COMMON_RATIOS[aspect] ?? {});
  const endpoint = imageToVideo ? 'image to video' : 'text to video';
  if (candidates.length === 0) {
    const listed = documented ? `its ${endpoint} ratios are ${documented.join(', ')}` : 'only 16:9 and 9:16 map to a documented size';
    return {
      problems: [
        {
          field: 'aspect_ratio',
          kind: 'value',
          message: `${model} has no ratio for ${aspect} (${listed})`,
          hint: documented ? `use an aspect ratio of one of those shapes, or \`size\` as one of ${documented.map((r) => r.replace(':', 'x')).join(', ')}` : 'write `size` (WxH in pixels) for another ratio',
        },
      ],
    };
  }
  const sized = resolution === undefined ? candidates : candidates.filter((ratio) => tierOf(ratio) === resolution);
  if (sized.length === 0) {
    return {
      problems: [{ field: 'resolution', kind: 'value', message: `${model} has no ${resolution} ratio for ${aspect} (${candidates.join(', ')})`, hint: 'drop `resolution`, or choose another one' }],
    };
  }
  // Without a resolution, the smallest: the cheapest, and the one every model documents.
  const ratio = [...sized].sort((a, b) => areaOf(a) - areaOf(b))[0];
  return { ...(ratio === undefined ? {} : { ratio }), problems: [] };
}

function parts(ratio: string): [number, number] {
  const [width = 0, height = 0] = ratio.split(/[:x]/).map(Number);
  return [width, height];
}

function shapeOf(ratio: string): number {
  const [width, height] = parts(ratio);
  return width / height;
}

function areaOf(ratio: string): number {
  const [width, height] = parts(ratio);
  return width * height;
}

/** The resolution a size is sold as: Runway's 960:960 and 1104:832 are 720p-class frames. */
export function tierOf(ratio: string): string {
  const area = areaOf(ratio);
  if (area <= 1_200_000) return '720p';
  if (area <= 2_500_000) return '1080p';
  return '4k';
}
