/**
 * Runway takes `ratio` as pixels (`1280:720`), not as `16:9`. The manifest writes either
 * `size` (WxH, sent as W:H) or `aspect_ratio` (+ `resolution` to choose between two sizes of
 * one ratio); this picks the model's documented ratio for them, or says why none fits. Pure.
 */
import { valueNotIn } from '../field-rules.js';
import type { FieldProblem, ShotRequest } from '../module.js';
import { knownRunwayModel } from './models.js';

/**
 * For a model whose ratios the reference does not list (Seedance, HappyHorse's text to video,
 * models videogen does not know): the sizes every documented list shares, by ratio and resolution.
 */
const COMMON_RATIOS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '16:9': { '720p': '1280:720', '1080p': '1920:1080' },
  '9:16': { '720p': '720:1280', '1080p': '1080:1920' },
};

/** Ratios this close (on a log scale) are the same shape: Runway's 1104:832 is its 4:3. */
const SAME_SHAPE = 0.02;

export type RatioChoice = { ratio?: string; problems: FieldProblem[] };

export function runwayRatio(shot: ShotRequest, model: string): RatioChoice {
  const entry = knownRunwayModel(model);
  const imageToVideo = shot.reference_image !== undefined;
  // No text to video at all (gen4_turbo): the module says that, and no ratio would help.
  if (entry && !imageToVideo && !entry.textToVideo) return { problems: [] };
  if (entry?.ratioFollowsImage && imageToVideo) {
    const written = shot.size !== undefined ? 'size' : shot.aspect_ratio !== undefined ? 'aspect_ratio' : undefined;
    if (written === undefined) return { problems: [] };
    return {
      problems: [
        {
          field: written,
          kind: 'field',
          message: `${model} keeps the ratio of its image and takes no \`${written}\``,
          hint: `remove \`${written}\` from this shot (and from \`defaults\` if it comes from there); crop the image for another ratio`,
        },
      ],
    };
  }
  const documented = entry?.ratios && (imageToVideo ? entry.ratios.imageToVideo : entry.ratios.textToVideo);
  // Where the model takes `resolution` itself, it does not choose the ratio's size.
  const resolution = entry?.resolutionValues ? undefined : shot.resolution;
  if (shot.size !== undefined) return fromSize(shot.size, resolution, documented, model);
  const aspect = shot.aspect_ratio ?? (documented ? '16:9' : undefined);
  if (aspect === undefined) {
    if (resolution === undefined) return { problems: [] };
    return { problems: [{ field: 'resolution', kind: 'field', message: `${model} has no documented ratios to pick a ${resolution} size from`, hint: 'write `size` (such as 1920x1080) instead of `resolution`' }] };
  }
  return fromAspect(aspect, resolution, documented, model, imageToVideo);
}

function fromSize(size: string, resolution: string | undefined, documented: readonly string[] | undefined, model: string): RatioChoice {
  const ratio = size.replace('x', ':');
  const problems: FieldProblem[] = [];
  if (documented) {
    const problem = valueNotIn('size', size, documented.map((r) => r.replace(':', 'x')), `${model} takes a size of`);
    if (problem) problems.push(problem);
  }
  if (resolution !== undefined && tierOf(ratio) !== resolution) {
    problems.push({ field: 'resolution', kind: 'value', message: `size ${size} is ${tierOf(ratio)}, not ${resolution}`, hint: 'write either `size` or `resolution`, not both' });
  }
  return { ratio, problems };
}

function fromAspect(aspect: string, resolution: string | undefined, documented: readonly string[] | undefined, model: string, imageToVideo: boolean): RatioChoice {
  const candidates = documented
    ? documented.filter((ratio) => Math.abs(Math.log(shapeOf(ratio) / shapeOf(aspect))) < SAME_SHAPE)
    : Object.values(COMMON_RATIOS[aspect] ?? {});
  const endpoint = imageToVideo ? 'image to video' : 'text to video';
  if (candidates.length === 0) {
    const listed = documented ? `its ${endpoint} ratios are ${documented.join(', ')}` : 'only 16:9 and 9:16 map to a documented size';
    return {
      problems: [
        {
          field: 'aspect_ratio',
          kind: 'value',
          message: `${model} has no ratio for ${aspect} (${listed})`,
          hint: documented ? `use an aspect ratio of one of those shapes, or \`size\` as one of ${documented.map((r) => r.replace(':', 'x')).join(', ')}` : 'write `size` (WxH in pixels) for another ratio',
        },
      ],
    };
  }
  const sized = resolution === undefined ? candidates : candidates.filter((ratio) => tierOf(ratio) === resolution);
  if (sized.length === 0) {
    return {
      problems: [{ field: 'resolution', kind: 'value', message: `${model} has no ${resolution} ratio for ${aspect} (${candidates.join(', ')})`, hint: 'drop `resolution`, or choose another one' }],
    };
  }
  // Without a resolution, the smallest: the cheapest, and the one every model documents.
  const ratio = [...sized].sort((a, b) => areaOf(a) - areaOf(b))[0];
  return { ...(ratio === undefined ? {} : { ratio }), problems: [] };
}

function parts(ratio: string): [number, number] {
  const [width = 0, height = 0] = ratio.split(/[:x]/).map(Number);
  return [width, height];
}

function shapeOf(ratio: string): number {
  const [width, height] = parts(ratio);
  return width / height;
}

function areaOf(ratio: string): number {
  const [width, height] = parts(ratio);
  return width * height;
}

/** The resolution a size is sold as: Runway's 960:960 and 1104:832 are 720p-class frames. */
export function tierOf(ratio: string): string {
  const area = areaOf(ratio);
  if (area <= 1_200_000) return '720p';
  if (area <= 2_500_000) return '1080p';
  return '4k';
}
