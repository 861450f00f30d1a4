/**
 * fal.ai's queue (reference/fal-queue.md): one key for Veo 3.1, Kling, Seedance, Hailuo and
 * many more, each model its own endpoint (`POST https://queue.fal.run/{model id}`) with its
 * own request fields. There is no default model: the model id names the endpoint.
 */
import { z } from 'zod';
import { normaliseBaseUrl } from '../../util/base-url.js';
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields, refuseReservedOptions, valueNotIn, type FieldRefusals } from '../field-rules.js';
import { baseSpec, findModel, modelOf, type FieldProblem, type ProviderModule, type SettingProblem, type ShotRequest } from '../module.js';
import { FAL_FIELDS, FAL_MODELS, familyOf, fieldsOf, type FalField, type FalModel } from './models.js';
import { reservedNames } from './request.js';

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
