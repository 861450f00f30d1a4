/**
 * Defaults merging and the spec: the normal form of a shot, exactly the fields that
 * change the generated video (DESIGN.md "Spec hash").
 */
import { DEFAULT_ASPECT_RATIO, DEFAULT_MODEL, openAiSizeFor } from './capabilities.js';
import type { PathSegment } from './positions.js';
import type { DefaultsInput, ShotInput } from './schema.js';
import type { ImageSource, ProviderConfig, Spec } from './types.js';

export type ShotField = keyof DefaultsInput;

/** A shot with `defaults` merged under it, remembering where each value was written. */
export interface MergedShot {
  index: number;
  shot: ShotInput;
  defaults: DefaultsInput | undefined;
  fields: DefaultsInput;
}

/**
 * Shot fields override defaults; `options` objects are merged key by key (the shot wins);
 * `tags` from both are combined, defaults first, without repeats.
 */
export function mergeShot(index: number, shot: ShotInput, defaults: DefaultsInput | undefined): MergedShot {
  if (!defaults) return { index, shot, defaults, fields: shot };
  const fields: DefaultsInput = { ...defaults };
  for (const key of Object.keys(shot) as (keyof ShotInput)[]) {
    if (key === 'id' || key === 'output' || shot[key] === undefined) continue;
    (fields as Record<string, unknown>)[key] = shot[key];
  }
  if (defaults.options && shot.options) fields.options = { ...defaults.options, ...shot.options };
  if (defaults.tags && shot.tags) fields.tags = [...new Set([...defaults.tags, ...shot.tags])];
  return { index, shot, defaults, fields };
}

/** The path of the node a merged field came from (the shot's, else `defaults`'), for positions. */
export function fieldPath(merged: MergedShot, field: ShotField): PathSegment[] {
  if (merged.shot[field] === undefined && merged.defaults?.[field] !== undefined) return ['defaults', field];
  return ['shots', merged.index, field];
}

/** The path of one `options` key, which may come from either side of the merge. */
export function optionPath(merged: MergedShot, key: string): PathSegment[] {
  if (merged.shot.options && Object.prototype.hasOwnProperty.call(merged.shot.options, key)) return ['shots', merged.index, 'options', key];
  if (merged.defaults?.options && Object.prototype.hasOwnProperty.call(merged.defaults.options, key)) return ['defaults', 'options', key];
  return fieldPath(merged, 'options');
}

export interface SpecImages {
  reference?: ImageSource;
  tail?: ImageSource;
}

/**
 * Resolved defaults go in (model, aspect ratio; an openai-videos size mapped from the
 * ratio), so writing a default explicitly hashes the same as leaving it out. Absent
 * fields are omitted, never null, and empty `options` are dropped, so adding a field
 * later does not change the hash of shots that do not use it.
 */
export function buildSpec(fields: DefaultsInput, durationSeconds: number | undefined, provider: ProviderConfig, images: SpecImages): Spec {
  const spec: Spec = {
    provider: provider.type,
    endpoint: provider.emulate ? 'emulator' : provider.baseUrl,
    model: fields.model ?? DEFAULT_MODEL[provider.type],
    // Surrounding whitespace (a block scalar's final newline) is not part of what was asked for.
    prompt: (fields.prompt ?? '').trim(),
  };
  const aspectRatio = fields.aspect_ratio ?? DEFAULT_ASPECT_RATIO;
  if (provider.type === 'heygen') {
    spec.aspect_ratio = aspectRatio;
  } else {
    // The Videos API only takes `size`; the ratio is just a way of writing it, so the spec
    // holds the size actually sent (16:9 and size 1280x720 are the same video).
    if (durationSeconds !== undefined) spec.duration = durationSeconds;
    const size = fields.size ?? openAiSizeFor(aspectRatio);
    if (size !== undefined) spec.size = size;
  }
  if (fields.options && Object.keys(fields.options).length > 0) spec.options = fields.options;
  if (images.reference) spec.reference_image = imageSpec(images.reference);
  if (images.tail) spec.tail_image = imageSpec(images.tail);
  return spec;
}

function imageSpec(image: ImageSource): string {
  return image.kind === 'file' ? `sha256:${image.sha256}` : image.url;
}
