/**
 * A shot as a Replicate prediction request: where it goes (an official model's endpoint or
 * `/predictions` with a version) and its `input`, the same for a submission and for finding
 * the prediction an interrupted submission made (reconcile.ts).
 */
import type { ImageSource, Shot } from '../../manifest/types.js';
import { inputNamesOf, parseReplicateModel, type InputField } from './models.js';

/** Turns an image into the string the input carries (a URL, a data URL, an uploaded file's URL). */
export type ImageValue = (image: ImageSource) => Promise<string>;

export interface PredictionRequest {
  /** Relative to the base URL: `/models/{owner}/{name}/predictions` or `/predictions`. */
  path: string;
  /** The body's `version`, for a model version. */
  version?: string;
  /** The model's official name, for an official model (what a prediction's `model` says). */
  model?: string;
}

/** The spec fields (resolved by the module) that become input fields, in the order they are written. */
const SPEC_FIELDS: ReadonlyArray<Exclude<InputField, 'reference_image' | 'tail_image'>> = ['duration', 'aspect_ratio', 'resolution', 'audio', 'seed'];

export function predictionRequest(model: string): PredictionRequest {
  const target = parseReplicateModel(model);
  // Validation refuses any other form; a version id is the last resort for what slipped through.
  if (!target) return { path: '/predictions', version: model };
  if (target.kind === 'model') {
    return { path: `/models/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.name)}/predictions`, model };
  }
  return { path: '/predictions', version: target.version };
}

/**
 * The prediction's `input`: `options` first (validation refused those that would override a
 * field videogen sets), then the prompt and the spec's fields under the model's input names,
 * then the images as `imageValue` renders them.
 */
export async function predictionInput(shot: Shot, imageValue: ImageValue): Promise<Record<string, unknown>> {
  const { spec } = shot;
  const names = inputNamesOf(spec.model);
  const input: Record<string, unknown> = { ...spec.options, prompt: spec.prompt };
  for (const field of SPEC_FIELDS) {
    const name = names[field];
    if (name !== undefined && spec[field] !== undefined) input[name] = spec[field];
  }
  const [reference, tail] = await Promise.all([
    shot.referenceImage ? imageValue(shot.referenceImage) : undefined,
    shot.tailImage ? imageValue(shot.tailImage) : undefined,
  ]);
  if (reference !== undefined && names.reference_image !== undefined) input[names.reference_image] = reference;
  if (tail !== undefined && names.tail_image !== undefined) input[names.tail_image] = tail;
  return input;
}

/** The input names that carry images for this model (they compare differently when matching). */
export function imageInputNames(model: string): string[] {
  const names = inputNamesOf(model);
  return [names.reference_image, names.tail_image].filter((name): name is string => name !== undefined);
}
