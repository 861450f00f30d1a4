/**
 * Runway's video models as the reference's table gives them (reference/replicate-and-runway.md,
 * "Runway", from the official SDK): which endpoints each takes, its pixel-string ratios, its
 * durations and prompt limit. Pure data; ratios.ts maps the manifest's ratios onto it.
 */
import type { ModelInfo } from '../module.js';

export interface RunwayModel {
  info: ModelInfo;
  /** Takes `POST /v1/text_to_video` (every model takes image_to_video). */
  textToVideo: boolean;
  /** Documented `ratio` values per endpoint; absent where the reference gives no list. */
  ratios?: { imageToVideo: readonly string[]; textToVideo: readonly string[] };
  /** `duration` as a whole number in a range (gen4.5 2–10); `info.durations` lists it too. */
  durationRange?: { min: number; max: number };
  /** Sent when a shot sets none: the API requires a duration of these models. */
  defaultDuration?: number;
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
  info: { id, durations, aspectRatios: WIDE_SHAPES, sizes: sizes(VEO_RATIOS), referenceImage: true, tailImage, audio: true, note: '`audio` changes the price' },
  textToVideo: true,
  ratios: { imageToVideo: VEO_RATIOS, textToVideo: VEO_RATIOS },
  defaultDuration: 8,
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
    info: { id: 'gen4.5', durations: range(2, 10), aspectRatios: GEN4_SHAPES, sizes: sizes(GEN4_RATIOS), referenceImage: true, audio: false, note: 'text to video at 16:9 and 9:16 only' },
    textToVideo: true,
    ratios: { imageToVideo: GEN4_RATIOS, textToVideo: WIDE_RATIOS },
    durationRange: { min: 2, max: 10 },
    // The reference's example; the API requires one.
    defaultDuration: 5,
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
