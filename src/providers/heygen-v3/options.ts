/**
 * What `options` may carry to `POST /v3/models/videos` (reference/heygen-v3.md §4): extra
 * fields pass through as given, except those videogen sets from shot fields, and the one
 * mode that is not a shot field.
 *
 * `reference_to_video` (up to 9 reference images, 3 videos and 3 audio clips steering one
 * clip) has no counterpart in the manifest's shared vocabulary, whose `reference_image` is a
 * first frame: it is reached through `options.mode: reference_to_video` with the references
 * written as the API's asset unions (`{type: url, url: https://…}` or `{type: asset_id, …}`).
 * They are sent as written: local files there are neither uploaded nor hashed by content.
 */
import { refuseReservedOptions } from '../field-rules.js';
import type { FieldProblem, ShotRequest } from '../module.js';

export type V3Mode = 'text_to_video' | 'image_to_video' | 'reference_to_video';

/** The mode a shot runs in: `reference_to_video` only when options ask for it, else as its image says. */
export function modeOf(shot: Pick<ShotRequest, 'reference_image' | 'options'>): V3Mode {
  if (shot.options?.mode === 'reference_to_video') return 'reference_to_video';
  return shot.reference_image === undefined ? 'text_to_video' : 'image_to_video';
}

/** Body fields videogen sets from shot fields: request field → the shot field that sets it. */
const RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  model: 'model',
  prompt: 'prompt',
  duration: 'duration',
  resolution: 'resolution',
  aspect_ratio: 'aspect_ratio',
  seed: 'seed',
  image: 'reference_image',
};

/** Each list's documented cap; together at most 12. */
const REFERENCE_LISTS: Readonly<Record<string, number>> = { reference_images: 9, reference_videos: 3, reference_audio: 3 };
const MAX_REFERENCES = 12;

const PROMPT_ENHANCEMENTS = ['turbo', 'quality', 'default', 'disabled'];

export function checkOptions(shot: ShotRequest): FieldProblem[] {
  const options = shot.options ?? {};
  const problems = refuseReservedOptions(options, RESERVED_OPTIONS);
  const problem = (optionKey: string, message: string, hint: string): void => {
    problems.push({ field: 'options', kind: 'value', optionKey, message, hint });
  };

  if (options.mode !== undefined && options.mode !== 'reference_to_video') {
    problem(
      'mode',
      `options.mode can only be reference_to_video; text_to_video and image_to_video follow from \`reference_image\`, not ${JSON.stringify(options.mode)}`,
      'remove options.mode: a shot with `reference_image` runs image_to_video, one without runs text_to_video',
    );
  }
  const referenceMode = modeOf(shot) === 'reference_to_video';
  if (referenceMode && shot.reference_image !== undefined) {
    problem(
      'mode',
      'reference_to_video takes no first frame (`reference_image`)',
      'list the image under options.reference_images instead, or drop options.mode for image_to_video',
    );
  }

  let total = 0;
  for (const [key, max] of Object.entries(REFERENCE_LISTS)) {
    const list = options[key];
    if (list === undefined) continue;
    if (!referenceMode) {
      problem(key, `options.${key} is only taken by reference_to_video`, 'add `mode: reference_to_video` to options, or remove the list');
      continue;
    }
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      problem(key, `options.${key} must be a list of 1 to ${max} assets`, 'write each as {type: url, url: https://…} or {type: asset_id, asset_id: …}');
      continue;
    }
    total += list.length;
    const bad = list.findIndex((item) => !isAssetUnion(item));
    if (bad >= 0) {
      problem(
        key,
        `options.${key}[${bad}] is not an asset: expected {type: url, url: https://…} or {type: asset_id, asset_id: …}`,
        'references in options are sent as written: give an https URL or the id of an asset uploaded to HeyGen (local files are not uploaded from options)',
      );
    }
  }
  if (referenceMode && total > MAX_REFERENCES) {
    problem('mode', `reference_to_video takes at most ${MAX_REFERENCES} references in all, not ${total}`, 'drop some references');
  }
  if (referenceMode && options.reference_images === undefined && options.reference_videos === undefined) {
    problem('mode', 'reference_to_video needs at least one reference image or video', 'add options.reference_images or options.reference_videos');
  }

  const enhancement = options.prompt_enhancement;
  if (enhancement !== undefined && !PROMPT_ENHANCEMENTS.includes(enhancement as string)) {
    problem(
      'prompt_enhancement',
      `options.prompt_enhancement is one of ${PROMPT_ENHANCEMENTS.join(', ')}, not ${JSON.stringify(enhancement)}`,
      'use `disabled` to send the prompt exactly as written',
    );
  }
  return problems;
}

/** The API's asset union with the `type` discriminator a bare `{asset_id}` lacks (base64 is not for YAML). */
function isAssetUnion(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  if (item.type === 'url') return typeof item.url === 'string' && /^https:\/\/\S+$/i.test(item.url);
  if (item.type === 'asset_id') return typeof item.asset_id === 'string' && item.asset_id !== '';
  return false;
}
