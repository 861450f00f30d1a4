/**
 * Defaults merging: a shot with `defaults` under it, remembering where each value came
 * from. The spec itself is each provider module's `spec()` (src/providers/module.ts).
 */
import type { PathSegment } from './positions.js';
import type { DefaultsInput, ShotInput } from './schema.js';
import { extend } from '../util/extend.js';

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
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(shot) as (keyof ShotInput)[]) {
    if (key === 'id' || key === 'output' || shot[key] === undefined) continue;
    own[key] = shot[key];
  }
  const fields: DefaultsInput = extend(defaults, own);
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
