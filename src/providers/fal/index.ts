/**
 * fal.ai's queue (reference/fal-queue.md): one key for Veo 3.1, Kling, Seedance, Hailuo and
 * many more, each model its own endpoint (`POST https://queue.fal.run/{model id}`) with its
 * own request fields. There is no default model: the model id names the endpoint. Below: the
 * documented models ("Four video models") and how each family spells its request, then the
 * module. Pure data and checks.
 */
import type { Price } from '../../cost/price.js';
import { z } from 'zod';
import { normaliseBaseUrl } from '../../util/base-url.js';
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields, refuseReservedOptions, valueNotIn, type FieldRefusals } from '../field-rules.js';
import {
  baseSpec,
  findModel,
  modelOf,
  type FieldProblem,
  type ModelInfo,
  type ProviderModule,
  type SettingProblem,
  type ShotField,
  type ShotRequest,
} from '../module.js';

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

/**
 * fal's published prices, read from each model's own page on the date given. Models whose
 * pages disagree with each other (Kling v3 Pro) or price in tokens that depend on more than
 * the spec holds are left without one: the plan says "unknown" rather than guess.
 */
const VEO_PRICE: Price = {
  per_second: 0.2,
  audio: { per_second: 0.4 },
  by_resolution: { '4k': { per_second: 0.4, audio: { per_second: 0.6 } } },
  as_of: '2026-12-01',
  source: 'https://fal.ai/models/fal-ai/veo3.1/llms.txt',
};
const SEEDANCE_I2V_PRICE: Price = {
  by_resolution: { '720p': { per_second: 0.3024 } },
  as_of: '2026-12-01',
  source: 'https://fal.ai/models/bytedance/seedance-2.0/image-to-video/llms.txt',
};
const seedance = { durations: SEEDANCE_SECONDS, aspectRatios: SEEDANCE_RATIOS, resolutions: SEEDANCE_RESOLUTIONS };

export const FAL_MODELS: readonly FalModel[] = [
  { id: 'fal-ai/veo3.1', ...veo, price: VEO_PRICE, note: 'text to video' },
  { id: 'fal-ai/veo3.1/image-to-video', ...veo, price: VEO_PRICE, referenceImage: true, note: 'aspect_ratio may also be "auto" (leave it out)' },
  { id: 'fal-ai/veo3.1/fast', ...veo, note: 'text to video' },
  { id: 'fal-ai/veo3.1/lite', ...veo, resolutions: ['720p', '1080p'], note: 'text to video, no 4k' },
  { id: 'fal-ai/kling-video/v3/pro/image-to-video', durations: KLING_SECONDS, defaultDuration: 5, referenceImage: true, tailImage: true, audio: true },
  { id: 'fal-ai/kling-video/v3/pro/text-to-video', durations: KLING_SECONDS, defaultDuration: 5, aspectRatios: ['16:9', '9:16', '1:1'], audio: true },
  { id: 'bytedance/seedance-2.0/image-to-video', ...seedance, price: SEEDANCE_I2V_PRICE, referenceImage: true, tailImage: true },
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

/** Body fields set from the shot's own fields, which `options` must not override. */
export function reservedNames(family: FalFamily): Record<string, string> {
  const reserved: Record<string, string> = { prompt: 'prompt' };
  for (const field of FAL_FIELDS) reserved[bodyName(family, field)] = field;
  return reserved;
}

const QUEUE_URL = 'https://queue.fal.run';
/** The storage REST host local images are uploaded through (reference/fal-queue.md, "Image inputs"). */
export const DEFAULT_REST_URL = 'https://rest.fal.ai';
/** The platform API that lists an endpoint's requests ("Finding a lost request"). */
export const DEFAULT_PLATFORM_URL = 'https://api.fal.ai';

/**
 * One request to initiate an upload takes files up to 90 MB; larger ones need fal's
 * multipart flow, which videogen does not implement (a reference image never needs it).
 */
export const FAL_MAX_UPLOAD_BYTES = 90 * 1024 * 1024;

const HOST_SETTINGS = {
  rest_url: DEFAULT_REST_URL,
  platform_url: DEFAULT_PLATFORM_URL,
} as const;

export type FalHostSetting = keyof typeof HOST_SETTINGS;

/** A host setting as the client uses it: as written (checked by checkSettings), else fal's own. */
export function falHost(config: ProviderConfig, setting: FalHostSetting): string {
  const written = config.settings[setting];
  const normalised = typeof written === 'string' ? normaliseBaseUrl(written, setting) : undefined;
  return typeof normalised === 'string' ? normalised : HOST_SETTINGS[setting];
}

const SIZE_REFUSAL = { why: 'fal models take `aspect_ratio` and `resolution`', hint: 'set `aspect_ratio` (and `resolution`) instead' };
const VIA_OPTIONS = 'pass it through `options` if the model takes it under another name';

/** Why a documented model refuses a field, and what to do. */
function refusalsFor(model: FalModel): FieldRefusals {
  const sameFamily = FAL_MODELS.filter((other) => familyOf(other.id) === familyOf(model.id));
  const imageToVideo = sameFamily.find((other) => other.referenceImage)?.id ?? 'an image-to-video model';
  const withTail = FAL_MODELS.filter((other) => other.tailImage).map((other) => other.id);
  return {
    size: SIZE_REFUSAL,
    reference_image: { why: 'a text-to-video endpoint', hint: `use ${imageToVideo} for image to video` },
    tail_image: { why: 'no last-frame input is documented for it', hint: `drop \`tail_image\`, or use ${withTail.slice(0, 2).join(' or ')}` },
    aspect_ratio: { why: model.referenceImage ? 'the first frame sets the shape' : 'no aspect ratio input is documented for it', hint: 'drop `aspect_ratio`' },
    duration: { why: 'the model decides the length', hint: 'drop `duration`' },
    resolution: { why: 'no resolution input is documented for it', hint: VIA_OPTIONS },
    seed: { why: 'no seed input is documented for it', hint: VIA_OPTIONS },
    audio: { why: 'no generate_audio input is documented for it', hint: VIA_OPTIONS },
  };
}

function checkValues(shot: ShotRequest, model: FalModel): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const what = `${model.id} accepts`;
  const push = (problem: FieldProblem | undefined): void => void (problem && problems.push(problem));
  if (shot.duration !== undefined && model.durations) push(valueNotIn('duration', shot.duration, model.durations, `${what} a duration (seconds) of`));
  if (shot.aspect_ratio !== undefined && model.aspectRatios) push(valueNotIn('aspect_ratio', shot.aspect_ratio, model.aspectRatios, `${what} an aspect ratio of`));
  if (shot.resolution !== undefined && model.resolutions) push(valueNotIn('resolution', shot.resolution, model.resolutions, `${what} a resolution of`));
  if (model.referenceImage && shot.reference_image === undefined) {
    problems.push({
      field: 'model',
      kind: 'value',
      message: `${model.id} animates a first frame, so the shot needs a \`reference_image\``,
      hint: 'add `reference_image`, or use a text-to-video model',
    });
  }
  return problems;
}

const HostUrl = (setting: FalHostSetting, what: string) =>
  z.string().min(1).describe(`fal only: ${what}. Default ${HOST_SETTINGS[setting]}.`);

export const falModule: ProviderModule = {
  type: 'fal',
  title: 'fal.ai queue (queue.fal.run): Veo 3.1, Kling, Seedance, Hailuo and other video models',
  defaults: {
    baseUrl: QUEUE_URL,
    apiKeyEnv: 'FAL_KEY',
    // New accounts run 2 jobs at once; fal queues the rest (IN_QUEUE) rather than refusing
    // them, so a higher figure only moves the waiting into each job's timeout.
    concurrency: 2,
    poll: { initialMs: 5_000, maxMs: 20_000 },
    timeoutMs: 15 * 60_000,
  },
  auth: { kind: 'header', header: 'Authorization', scheme: 'Key' },
  emulatorPath: '/fal/queue',
  emulatorSettings: { rest_url: '/fal/rest', platform_url: '/fal/api' },
  settings: {
    rest_url: HostUrl('rest_url', 'the storage REST host local images are uploaded through'),
    platform_url: HostUrl('platform_url', 'the platform API host asked for requests an interrupted apply may have created'),
  },
  models: FAL_MODELS,
  // fal's CDN takes any file; these are the image types every fal video model reads.
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  imageLimit: () => ({
    bytes: FAL_MAX_UPLOAD_BYTES,
    why: "fal's single-request CDN upload takes at most 90 MB",
    hint: 'shrink or recompress the image, or give an https URL',
  }),
  checkSettings(config) {
    const problems: SettingProblem[] = [];
    for (const setting of Object.keys(HOST_SETTINGS) as FalHostSetting[]) {
      const written = config.settings[setting];
      if (typeof written !== 'string') continue;
      const checked = normaliseBaseUrl(written, setting);
      if (typeof checked !== 'string') problems.push({ setting, ...checked });
    }
    return problems;
  },
  checkShot(shot) {
    const problems: FieldProblem[] = [];
    const model = shot.model === undefined ? undefined : (findModel(falModule, shot.model) as FalModel | undefined);
    // A model missing from the table is accepted as written (lists grow) and checked against nothing.
    problems.push(...refuseFields('fal', shot, model ? fieldsOf(model) : FAL_FIELDS, model ? refusalsFor(model) : { size: SIZE_REFUSAL }));
    const { duration, ...rest } = shot;
    const wholeSeconds = duration === undefined || Number.isInteger(duration);
    if (!wholeSeconds) {
      problems.push({ field: 'duration', kind: 'value', message: `fal models take whole seconds, not ${duration}`, hint: 'round the duration' });
    }
    if (model) problems.push(...checkValues(wholeSeconds ? shot : rest, model));
    problems.push(...refuseReservedOptions(shot.options, reservedNames(familyOf(shot.model ?? ''))));
    return problems;
  },
  spec(shot, config) {
    const model = modelOf(falModule, shot);
    const family = familyOf(model);
    const known = findModel(falModule, model) as FalModel | undefined;
    const takes = (field: FalField): boolean => !known || fieldsOf(known).includes(field);
    const spec = baseSpec('fal', config, model, shot);
    // The family's documented defaults are written out, so that stating one changes nothing.
    const duration = shot.duration ?? (takes('duration') ? family.defaults.duration : undefined);
    const resolution = shot.resolution ?? (takes('resolution') ? family.defaults.resolution : undefined);
    const audio = shot.audio ?? (takes('audio') ? family.defaults.audio : undefined);
    if (duration !== undefined) spec.duration = duration;
    if (shot.aspect_ratio !== undefined) spec.aspect_ratio = shot.aspect_ratio;
    if (resolution !== undefined) spec.resolution = resolution;
    if (shot.seed !== undefined) spec.seed = shot.seed;
    if (audio !== undefined) spec.audio = audio;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createFalProvider,
};
