/**
 * Runway's task API (reference/replicate-and-runway.md, "Runway"): `POST /v1/image_to_video`
 * when a shot has a reference image, else `/v1/text_to_video`, then `GET /v1/tasks/{id}`.
 * Every request carries `X-Runway-Version`. Runway lists no tasks, so a submission whose
 * answer was lost is resubmitted (with the executor's "may bill twice" warning).
 */
import { z } from 'zod';
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields, refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, modelOf, type FieldProblem, type ProviderModule, type ShotRequest } from '../module.js';
import { DEFAULT_RUNWAY_MODEL, RUNWAY_MODELS, knownRunwayModel, runwayRatio } from './models.js';


/** The API version videogen speaks (the SDK's default in v4.12.0). */
export const RUNWAY_API_VERSION = '2024-11-06';

/**
 * Local images travel as data URIs, which Runway takes up to 5 MB (reference: "5 MB as data
 * URI"). Whether that counts the URI or the image is not said, so the URI is kept within it:
 * base64 makes 4 characters of 3 bytes, and the prefix (`data:image/jpeg;base64,`) is short.
 */
export const RUNWAY_MAX_DATA_URI_CHARS = 5_000_000;
export const RUNWAY_MAX_INLINE_IMAGE_BYTES = Math.floor((RUNWAY_MAX_DATA_URI_CHARS - 'data:image/jpeg;base64,'.length) / 4) * 3;

const RunwayVersionSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2024-11-06')
  .describe(`runway only: the X-Runway-Version header sent with every request. Default ${RUNWAY_API_VERSION}.`);

export function runwayVersionOf(config: ProviderConfig): string {
  return (config.settings.runway_version as string | undefined) ?? RUNWAY_API_VERSION;
}

/** Body fields set from dedicated shot fields; `options` must not override them. */
const RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  model: 'model',
  promptText: 'prompt',
  promptImage: 'reference_image',
  ratio: 'aspect_ratio',
  duration: 'duration',
  audio: 'audio',
  seed: 'seed',
  resolution: 'resolution',
};

export const runwayModule: ProviderModule = {
  type: 'runway',
  title: 'Runway tasks (image and text to video: Gen-4.5, Veo 3.1, Seedance 2, …)',
  defaults: {
    baseUrl: 'https://api.dev.runwayml.com',
    apiKeyEnv: 'RUNWAYML_API_SECRET',
    model: DEFAULT_RUNWAY_MODEL,
    // Tier 1 accounts run one or two tasks at once; more wait THROTTLED at Runway.
    concurrency: 2,
    // Runway asks for no faster than every 5 s; the executor's jitter only ever waits longer.
    poll: { initialMs: 6_000, maxMs: 30_000 },
    timeoutMs: 20 * 60_000,
  },
  auth: { kind: 'header', header: 'Authorization', scheme: 'Bearer' },
  emulatorPath: '',
  settings: { runway_version: RunwayVersionSchema },
  models: RUNWAY_MODELS.map((model) => model.info),
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  imageLimit: () => ({
    bytes: RUNWAY_MAX_INLINE_IMAGE_BYTES,
    why: 'local images are sent as data URIs, which Runway takes up to 5 MB (about 3.7 MB of image)',
    hint: 'shrink or recompress the image, or give an https URL (Runway fetches up to 16 MB)',
  }),
  checkShot(shot) {
    const model = modelOf(runwayModule, shot);
    const entry = knownRunwayModel(model);
    const problems: FieldProblem[] = refuseFields(
      'runway',
      shot,
      ['aspect_ratio', 'size', 'duration', 'resolution', 'seed', 'audio', 'reference_image', 'tail_image'],
    );
    problems.push(...runwayRatio(shot, model).problems, ...checkImages(shot, model));
    if (entry) problems.push(...checkKnownModel(shot, model));
    problems.push(...refuseReservedOptions(shot.options, RESERVED_OPTIONS));
    return problems;
  },
  spec(shot, config) {
    const model = modelOf(runwayModule, shot);
    const entry = knownRunwayModel(model);
    const spec = baseSpec('runway', config, model, shot);
    // The ratio actually sent: `aspect_ratio: "16:9"` and `size: 1280x720` are the same video.
    const { ratio } = runwayRatio(shot, model);
    if (ratio !== undefined) spec.ratio = ratio;
    const duration = shot.duration ?? entry?.info.defaultDuration;
    if (duration !== undefined) spec.duration = duration;
    if (entry?.resolutionValues && shot.resolution !== undefined) spec.resolution = shot.resolution;
    // No default is documented for `audio`: absent stays absent, and the API decides.
    if (shot.audio !== undefined) spec.audio = shot.audio;
    if (shot.seed !== undefined) spec.seed = shot.seed;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createRunwayProvider,
};

function checkImages(shot: ShotRequest, model: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['reference_image', 'tail_image'] as const) {
    if (shot[field] !== undefined && /^http:\/\//i.test(shot[field])) {
      problems.push({ field, kind: 'value', message: 'Runway fetches images over https only', hint: 'use an https URL, or a local file (sent as a data URI)' });
    }
  }
  if (shot.tail_image !== undefined && shot.reference_image === undefined) {
    problems.push({ field: 'tail_image', kind: 'field', message: `${model} takes a last frame only with a first frame`, hint: 'set `reference_image` too, or drop `tail_image`' });
  }
  return problems;
}

/** The reference's table: endpoints, durations, sound, last frames, prompt length. */
function checkKnownModel(shot: ShotRequest, model: string): FieldProblem[] {
  const entry = knownRunwayModel(model)!;
  const problems: FieldProblem[] = [];
  if (!entry.textToVideo && shot.reference_image === undefined) {
    problems.push({
      field: 'model',
      kind: 'value',
      message: `${model} turns an image into video and has no text to video`,
      hint: 'set `reference_image`, or use a model with text to video, such as gen4.5 or veo3.1',
    });
  }
  if (shot.duration !== undefined) {
    const { durationRange } = entry;
    const durations = entry.info.durations;
    if (durationRange && !(Number.isInteger(shot.duration) && shot.duration >= durationRange.min && shot.duration <= durationRange.max)) {
      problems.push({ field: 'duration', kind: 'value', message: `${model} takes a whole number of seconds from ${durationRange.min} to ${durationRange.max}, not ${shot.duration}` });
    } else if (!durationRange && durations) {
      const problem = valueNotIn('duration', shot.duration, durations, `${model} takes a duration (seconds) of`);
      if (problem) problems.push(problem);
    } else if (!Number.isInteger(shot.duration)) {
      problems.push({ field: 'duration', kind: 'value', message: `${model} takes a whole number of seconds, not ${shot.duration}` });
    }
  }
  if (shot.audio !== undefined && !entry.info.audio) {
    problems.push({ field: 'audio', kind: 'field', message: `${model} takes no \`audio\` (Runway's Veo models do)`, hint: 'drop `audio`, or use veo3.1, veo3.1_fast or veo3' });
  }
  if (shot.tail_image !== undefined && !entry.info.tailImage) {
    problems.push({ field: 'tail_image', kind: 'field', message: `${model} takes no last frame as far as Runway documents`, hint: 'drop `tail_image`, or use veo3.1 or veo3.1_fast' });
  }
  if (shot.resolution !== undefined && entry.resolutionValues) {
    const problem = valueNotIn('resolution', shot.resolution, Object.keys(entry.resolutionValues), `${model} takes a resolution of`);
    if (problem) problems.push(problem);
  }
  if (shot.prompt.trim().length > entry.maxPromptLength) {
    problems.push({
      // The prompt is no field a module may point at; the model is what sets the limit.
      field: 'model',
      kind: 'value',
      message: `${model} takes a prompt of at most ${entry.maxPromptLength} characters (UTF-16 units), and this one has ${shot.prompt.trim().length}`,
      hint: 'shorten the prompt, or use a model that takes longer ones (seedance2: 3500, happyhorse_1_0: 2500)',
    });
  }
  return problems;
}
