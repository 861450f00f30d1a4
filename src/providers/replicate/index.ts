/**
 * Replicate predictions (reference/replicate-and-runway.md, "Replicate"): one prediction per
 * shot on an official model (`owner/name`) or a model version (`owner/name:<version>`, or a
 * bare version id). The input is model-specific: models.ts maps the shot's fields onto it.
 */
import { refuseFields, refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, modelOf, type FieldProblem, type ProviderModule, type ShotField, type ShotRequest } from '../module.js';
import {
  DEFAULT_REPLICATE_MODEL,
  REPLICATE_MODELS,
  inputNamesOf,
  knownReplicateModel,
  parseReplicateModel,
  type InputField,
} from './models.js';

/**
 * Local images at most this large travel inline as data URLs, which Replicate does not store;
 * larger ones are uploaded through `POST /v1/files` first (the reference's "≤256 KB").
 */
export const REPLICATE_MAX_DATA_URL_BYTES = 256 * 1024;

const INPUT_FIELDS: readonly InputField[] = ['duration', 'aspect_ratio', 'resolution', 'audio', 'seed', 'reference_image', 'tail_image'];

export const replicateModule: ProviderModule = {
  type: 'replicate',
  title: 'Replicate predictions (official models and model versions)',
  defaults: {
    baseUrl: 'https://api.replicate.com/v1',
    apiKeyEnv: 'REPLICATE_API_TOKEN',
    model: DEFAULT_REPLICATE_MODEL,
    concurrency: 4,
    // Video predictions take minutes; the JS client's 500 ms is far too fast for a batch.
    poll: { initialMs: 5_000, maxMs: 30_000 },
    timeoutMs: 20 * 60_000,
  },
  auth: { kind: 'header', header: 'Authorization', scheme: 'Bearer' },
  emulatorPath: '/v1',
  models: REPLICATE_MODELS.map((model) => model.info),
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  // Larger images are uploaded to /v1/files, whose size limit the reference does not give.
  imageLimit: () => undefined,
  checkShot(shot) {
    const model = modelOf(replicateModule, shot);
    if (parseReplicateModel(model) === undefined) {
      return [
        {
          field: 'model',
          kind: 'value',
          message: `replicate takes a model as owner/name, owner/name:<version> or a version id, not ${model}`,
          hint: 'copy the model name (or the version) from its Replicate page, such as google/veo-3.1',
        },
      ];
    }
    const names = inputNamesOf(model);
    const accepted = INPUT_FIELDS.filter((field) => names[field] !== undefined);
    const problems: FieldProblem[] = refuseFields('replicate', shot, accepted, {
      size: { why: 'Replicate models take an aspect ratio and a resolution', hint: 'set `aspect_ratio` and `resolution` instead, or the model\'s own input in `options`' },
      tail_image: {
        why: `videogen knows no last-frame input of ${model}`,
        hint: "pass the model's own last-frame input in `options` (as an https URL), or use a model that takes one, such as google/veo-3.1",
      },
    });
    problems.push(...checkKnownModel(model, shot));
    const reserved: Record<string, string> = { prompt: 'prompt' };
    for (const field of accepted) reserved[names[field]!] = field;
    problems.push(...refuseReservedOptions(shot.options, reserved));
    return problems;
  },
  spec(shot, config) {
    const model = modelOf(replicateModule, shot);
    const spec = baseSpec('replicate', config, model, shot);
    const known = knownReplicateModel(model);
    const defaults = known?.defaults ?? {};
    const duration = shot.duration ?? known?.info.defaultDuration;
    const aspectRatio = shot.aspect_ratio ?? defaults.aspect_ratio;
    const resolution = shot.resolution ?? defaults.resolution;
    const audio = shot.audio ?? defaults.audio;
    if (duration !== undefined) spec.duration = duration;
    if (aspectRatio !== undefined) spec.aspect_ratio = aspectRatio;
    if (resolution !== undefined) spec.resolution = resolution;
    if (audio !== undefined) spec.audio = audio;
    if (shot.seed !== undefined) spec.seed = shot.seed;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createReplicateProvider,
};

/** A known model's documented lists; an unknown model's values go to Replicate unchecked. */
function checkKnownModel(model: string, shot: ShotRequest): FieldProblem[] {
  const info = knownReplicateModel(model)?.info;
  if (!info) return [];
  const problems: FieldProblem[] = [];
  const check = (field: ShotField, value: string | number | undefined, allowed: readonly (string | number)[] | undefined, what: string): void => {
    if (value === undefined || allowed === undefined) return;
    const problem = valueNotIn(field, value, allowed, `${model} takes ${what}`);
    if (problem) problems.push(problem);
  };
  check('duration', shot.duration, info.durations, 'a duration (seconds) of');
  check('aspect_ratio', shot.aspect_ratio, info.aspectRatios, 'an aspect ratio of');
  check('resolution', shot.resolution, info.resolutions, 'a resolution of');
  return problems;
}
