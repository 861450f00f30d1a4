/**
 * A shot's fal request body, from its spec: what submit sends and what a lost submission is
 * recognised by (recover.ts). Pure.
 */
import type { Spec } from '../../manifest/types.js';
import { bodyName, familyOf, reservedNames, type FalField } from './index.js';

/** Where the images went: a URL fal can fetch (as written, or the CDN upload of a local file). */
export interface ImageUrls {
  reference?: string;
  tail?: string;
}

export function falRequestBody(spec: Spec, images: ImageUrls): Record<string, unknown> {
  const family = familyOf(spec.model);
  const reserved = reservedNames(family);
  const body: Record<string, unknown> = {};
  // Extra model inputs (negative_prompt, cfg_scale, prompt_optimizer, …) as given; validation
  // refuses the reserved ones, and they are skipped here all the same.
  for (const [key, value] of Object.entries(spec.options ?? {})) if (!Object.hasOwn(reserved, key)) body[key] = value;
  body.prompt = spec.prompt;
  const name = (field: FalField): string => bodyName(family, field);
  // Every fal video model takes its duration as a string: "8s" (Veo) or "5" (the others).
  if (typeof spec.duration === 'number') body[name('duration')] = `${spec.duration}${family.durationUnit}`;
  if (typeof spec.aspect_ratio === 'string') body[name('aspect_ratio')] = spec.aspect_ratio;
  if (typeof spec.resolution === 'string') body[name('resolution')] = spec.resolution;
  if (typeof spec.seed === 'number') body[name('seed')] = spec.seed;
  if (typeof spec.audio === 'boolean') body[name('audio')] = spec.audio;
  if (images.reference !== undefined) body[name('reference_image')] = images.reference;
  if (images.tail !== undefined) body[name('tail_image')] = images.tail;
  return body;
}
