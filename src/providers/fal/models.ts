/**
 * fal's video models as reference/fal-queue.md documents them ("Four video models"): what
 * each known model takes, and how each family writes a shot into its request body. Pure data.
 */
import type { ModelInfo, ShotField } from '../module.js';

/** A shot field a fal request can carry (everything but `model`, `size` and `options`). */
export type FalField = Extract<ShotField, 'aspect_ratio' | 'duration' | 'resolution' | 'seed' | 'audio' | 'reference_image' | 'tail_image'>;

/**
 * How a family of models spells its request: the body field of each shot field where it
 * differs from the common names, how a duration is written, and the documented defaults
 * (resolved into the spec, so that writing a default and leaving it out are one video).
 */
export interface FalFamily {
  name: string;
  /** Model ids of the family start with one of these. */
  prefixes: readonly string[];
  names: Partial<Record<FalField, string>>;
  /** Veo writes `"8s"`; Kling, Seedance and Hailuo write `"5"`. */
  durationUnit: 's' | '';
  defaults: { duration?: number; resolution?: string; audio?: boolean };
}

/** Every field a fal request can carry, in the manifest's order. */
export const FAL_FIELDS: readonly FalField[] = ['aspect_ratio', 'duration', 'resolution', 'seed', 'audio', 'reference_image', 'tail_image'];

/** The names most fal video models use; a family lists only where it differs. */
export const COMMON_NAMES: Readonly<Record<FalField, string>> = {
  aspect_ratio: 'aspect_ratio',
  duration: 'duration',
  resolution: 'resolution',
  seed: 'seed',
  audio: 'generate_audio',
  reference_image: 'image_url',
  tail_image: 'end_image_url',
};

export const FAL_FAMILIES: readonly FalFamily[] = [
  { name: 'Veo 3.1', prefixes: ['fal-ai/veo3.1'], names: {}, durationUnit: 's', defaults: { duration: 8, audio: true } },
  {
    name: 'Kling v3',
    prefixes: ['fal-ai/kling-video/v3/'],
    names: { reference_image: 'start_image_url' },
    durationUnit: '',
    defaults: { duration: 5 },
  },
  // v2.1 and v2.5-turbo: first and last frame as image_url / tail_image_url, "5" or "10" seconds.
  { name: 'Kling v2', prefixes: ['fal-ai/kling-video/v2'], names: { tail_image: 'tail_image_url' }, durationUnit: '', defaults: {} },
  { name: 'Seedance 2.0', prefixes: ['bytedance/seedance-2.0/'], names: {}, durationUnit: '', defaults: { resolution: '720p' } },
  { name: 'Hailuo 2.3', prefixes: ['fal-ai/minimax/hailuo-2.3/'], names: {}, durationUnit: '', defaults: {} },
];

/**
 * A model outside every family: the common names and whole seconds as a string, the
 * spelling most fal video endpoints share. A guess, which is why such models are checked
 * against nothing and anything else goes through `options`.
 */
export const OTHER_FAMILY: FalFamily = { name: 'other', prefixes: [], names: {}, durationUnit: '', defaults: {} };

export function familyOf(model: string): FalFamily {
  return FAL_FAMILIES.find((family) => family.prefixes.some((prefix) => model.startsWith(prefix))) ?? OTHER_FAMILY;
}

/** The body field a family writes a shot field to. */
export function bodyName(family: FalFamily, field: FalField): string {
  return family.names[field] ?? COMMON_NAMES[field];
}

/**
 * A documented model. `referenceImage` marks an image-to-video endpoint, whose first frame
 * is required; `seed` that the document lists a seed input.
 */
export interface FalModel extends ModelInfo {
  seed?: boolean;
}

const VEO_SECONDS = [4, 6, 8];
const VEO_RATIOS = ['16:9', '9:16'];
const VEO_RESOLUTIONS = ['720p', '1080p', '4k'];
const KLING_SECONDS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const SEEDANCE_SECONDS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const SEEDANCE_RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
const SEEDANCE_RESOLUTIONS = ['480p', '720p', '1080p', '4k'];

const veo = { durations: VEO_SECONDS, defaultDuration: 8, aspectRatios: VEO_RATIOS, resolutions: VEO_RESOLUTIONS, audio: true, seed: true };
const seedance = { durations: SEEDANCE_SECONDS, aspectRatios: SEEDANCE_RATIOS, resolutions: SEEDANCE_RESOLUTIONS };

export const FAL_MODELS: readonly FalModel[] = [
  { id: 'fal-ai/veo3.1', ...veo, note: 'text to video' },
  { id: 'fal-ai/veo3.1/image-to-video', ...veo, referenceImage: true, note: 'aspect_ratio may also be "auto" (leave it out)' },
  { id: 'fal-ai/veo3.1/fast', ...veo, note: 'text to video' },
  { id: 'fal-ai/veo3.1/lite', ...veo, resolutions: ['720p', '1080p'], note: 'text to video, no 4k' },
  { id: 'fal-ai/kling-video/v3/pro/image-to-video', durations: KLING_SECONDS, defaultDuration: 5, referenceImage: true, tailImage: true, audio: true },
  { id: 'fal-ai/kling-video/v3/pro/text-to-video', durations: KLING_SECONDS, defaultDuration: 5, aspectRatios: ['16:9', '9:16', '1:1'], audio: true },
  { id: 'bytedance/seedance-2.0/image-to-video', ...seedance, referenceImage: true, tailImage: true },
  { id: 'bytedance/seedance-2.0/text-to-video', ...seedance },
  { id: 'bytedance/seedance-2.0/fast/image-to-video', ...seedance, referenceImage: true, tailImage: true },
  { id: 'bytedance/seedance-2.0/fast/text-to-video', ...seedance },
  { id: 'fal-ai/minimax/hailuo-2.3/pro/image-to-video', referenceImage: true, note: 'no duration, ratio or resolution inputs; prompt_optimizer via options' },
];

/** The shot fields a documented model takes. */
export function fieldsOf(model: FalModel): FalField[] {
  const fields: FalField[] = [];
  if (model.aspectRatios) fields.push('aspect_ratio');
  if (model.durations) fields.push('duration');
  if (model.resolutions) fields.push('resolution');
  if (model.seed) fields.push('seed');
  if (model.audio) fields.push('audio');
  if (model.referenceImage) fields.push('reference_image');
  if (model.tailImage) fields.push('tail_image');
  return fields;
}
