import { sniffImageMime } from '../../util/image-type.js';
import type { EmulatorResponse } from '../http-io.js';
import { invalidArgument } from './errors.js';

/**
 * `predictLongRunning` bodies as reference/vertex-veo.md "Request body" describes them, with
 * the emulator's own copies of the documented lists. Instance fields are few and documented,
 * so an unknown one is refused (it is a client's typo); `parameters` also carries fields only
 * the SDKs map (fps, compressionQuality, …), so unknown parameters pass.
 */

export interface PredictRequest {
  prompt: string | undefined;
  aspectRatio: string;
  durationSeconds: number;
  sampleCount: number;
  storageUri: string | undefined;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

const INSTANCE_FIELDS = new Set(['prompt', 'image', 'lastFrame', 'video', 'referenceImages']);
const ASPECT_RATIOS = ['16:9', '9:16'];
const DURATIONS = [4, 6, 8];
const RESOLUTIONS = ['720p', '1080p'];
const PERSON_GENERATION = ['allow_adult', 'dont_allow', 'allow_all'];
/** The reference lists no image types; these are what Google's samples send. */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_SEED = 4_294_967_295;

export function validatePredict(body: unknown, model: string): Checked<PredictRequest> {
  if (!isObject(body)) return invalid('Invalid JSON payload received: the request must be a JSON object.');
  const { instances, parameters } = body;
  if (!Array.isArray(instances) || instances.length !== 1 || !isObject(instances[0])) {
    return invalid('instances must be a list of exactly one object (more videos of one prompt: parameters.sampleCount).');
  }
  const instance = instances[0];
  for (const key of Object.keys(instance)) {
    if (!INSTANCE_FIELDS.has(key)) return invalid(`Invalid JSON payload received. Unknown name "${key}" at 'instances[0]': Cannot find field.`);
  }
  const { prompt } = instance;
  if (prompt !== undefined && typeof prompt !== 'string') return invalid('instances[0].prompt must be a string.');
  const hasInput = ['image', 'video', 'referenceImages'].some((key) => instance[key] !== undefined);
  if (!hasInput && (prompt === undefined || prompt.trim() === '')) return invalid('instances[0].prompt is required for text-to-video.');
  for (const key of ['image', 'lastFrame'] as const) {
    if (instance[key] === undefined) continue;
    const problem = mediaProblem(instance[key], `instances[0].${key}`, IMAGE_TYPES);
    if (problem) return invalid(problem);
  }
  if (instance.video !== undefined) {
    const problem = mediaProblem(instance.video, 'instances[0].video', ['video/mp4']);
    if (problem) return invalid(problem);
  }
  const references = instance.referenceImages;
  if (references !== undefined) {
    if (!Array.isArray(references) || references.length === 0) return invalid('instances[0].referenceImages must be a non-empty list.');
    for (const [index, reference] of references.entries()) {
      const where = `instances[0].referenceImages[${index}]`;
      if (!isObject(reference)) return invalid(`${where} must be an object.`);
      const problem = mediaProblem(reference.image, `${where}.image`, IMAGE_TYPES);
      if (problem) return invalid(problem);
      // Veo 3.1 takes asset references only.
      if (reference.referenceType !== 'asset') return invalid(`${where}.referenceType must be "asset" for ${model}.`);
    }
  }
  return checkParameters(parameters, model, references !== undefined, typeof prompt === 'string' ? prompt : undefined);
}

function checkParameters(parameters: unknown, model: string, withReferences: boolean, prompt: string | undefined): Checked<PredictRequest> {
  if (!isObject(parameters)) return invalid('parameters is required: parameters.durationSeconds must be set.');
  const { aspectRatio = '16:9', durationSeconds, resolution, sampleCount = 1, generateAudio, seed, storageUri } = parameters;
  if (typeof aspectRatio !== 'string' || !ASPECT_RATIOS.includes(aspectRatio)) return unsupported('aspectRatio', aspectRatio, ASPECT_RATIOS);
  if (typeof durationSeconds !== 'number' || !DURATIONS.includes(durationSeconds)) return unsupported('durationSeconds', durationSeconds, DURATIONS);
  if (resolution !== undefined && (typeof resolution !== 'string' || !RESOLUTIONS.includes(resolution))) return unsupported('resolution', resolution, RESOLUTIONS);
  if (typeof sampleCount !== 'number' || !Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > 4) {
    return invalid('parameters.sampleCount must be a whole number from 1 to 4.');
  }
  // Veo 3 models want it said (REF marks it required there).
  if (typeof generateAudio !== 'boolean') return invalid(`parameters.generateAudio (a boolean) is required for ${model}.`);
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)) {
    return invalid(`parameters.seed must be a whole number from 0 to ${MAX_SEED}.`);
  }
  for (const key of ['negativePrompt'] as const) {
    if (parameters[key] !== undefined && typeof parameters[key] !== 'string') return invalid(`parameters.${key} must be a string.`);
  }
  if (parameters.enhancePrompt !== undefined && typeof parameters.enhancePrompt !== 'boolean') return invalid('parameters.enhancePrompt must be a boolean.');
  const people = parameters.personGeneration;
  if (people !== undefined && (typeof people !== 'string' || !PERSON_GENERATION.includes(people))) return unsupported('personGeneration', people, PERSON_GENERATION);
  if (storageUri !== undefined && (typeof storageUri !== 'string' || !/^gs:\/\/[a-z0-9][a-z0-9._-]+[a-z0-9](\/.*)?$/.test(storageUri))) {
    return invalid('parameters.storageUri must be a Cloud Storage URI such as gs://bucket/prefix/.');
  }
  // Reference-image mode: 8 seconds and 16:9 only (M31).
  if (withReferences && (durationSeconds !== 8 || aspectRatio !== '16:9')) return invalid('referenceImages need durationSeconds 8 and aspectRatio "16:9".');
  return {
    ok: true,
    value: { prompt, aspectRatio, durationSeconds, sampleCount, storageUri: typeof storageUri === 'string' ? storageUri : undefined },
  };
}

/** `{bytesBase64Encoded | gcsUri, mimeType}`: exactly one source; inline bytes must be what mimeType says. */
function mediaProblem(value: unknown, where: string, types: readonly string[]): string | undefined {
  if (!isObject(value)) return `${where} must be an object with bytesBase64Encoded or gcsUri.`;
  const { bytesBase64Encoded: bytes, gcsUri, mimeType } = value;
  if ((bytes === undefined) === (gcsUri === undefined)) return `${where} needs exactly one of bytesBase64Encoded and gcsUri.`;
  if (typeof mimeType !== 'string' || !types.includes(mimeType)) return `${where}.mimeType must be one of ${types.join(', ')}.`;
  if (gcsUri !== undefined) return typeof gcsUri === 'string' && gcsUri.startsWith('gs://') ? undefined : `${where}.gcsUri must be a gs:// URI.`;
  if (typeof bytes !== 'string' || bytes === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(bytes)) return `${where}.bytesBase64Encoded must be base64 text.`;
  if (!mimeType.startsWith('image/')) return undefined;
  const sniffed = sniffImageMime(Buffer.from(bytes, 'base64'));
  if (sniffed !== mimeType) return `${where}: the bytes are ${sniffed ?? 'not an image'}, not ${mimeType}.`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid<T>(message: string): Checked<T> {
  return { ok: false, response: invalidArgument(message) };
}

function unsupported<T>(name: string, value: unknown, allowed: readonly (string | number)[]): Checked<T> {
  return invalid(`parameters.${name} ${JSON.stringify(value) ?? 'missing'} is not supported; use one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`);
}
