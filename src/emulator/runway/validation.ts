/**
 * What Runway checks in `POST /v1/image_to_video` and `/v1/text_to_video` (reference/
 * replicate-and-runway.md, "Runway": the SDK's per-model table, the input rules of its docs).
 * The emulator's own copy of that table, apart from the client's (providers/runway/models.ts)
 * on purpose. Unknown fields are let through, as options may add them.
 */
import { isImageDataUrl } from '../image-urls.js';
import type { Issue } from './errors.js';

export type Endpoint = 'image_to_video' | 'text_to_video';

interface ModelRules {
  textToVideo: boolean;
  /** `ratio` values per endpoint; `image` = follows the image (takes none); `any` = W:H up to a size. */
  ratios: { image_to_video: readonly string[] | 'image' | 'any'; text_to_video: readonly string[] | 'any' };
  /** Largest side for `any` ratios, and the largest short side (fast Seedance stays ≤720p). */
  maxSide?: number;
  maxShortSide?: number;
  durations?: readonly number[];
  durationRequired?: boolean;
  promptRequired?: boolean;
  maxPrompt: number;
  audio?: boolean;
  lastFrame?: boolean;
  resolutions?: readonly string[];
}

const GEN4 = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'];
const VEO = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const span = (min: number, max: number): number[] => Array.from({ length: max - min + 1 }, (_, i) => min + i);
const veo = (durations: number[], lastFrame: boolean): ModelRules => ({
  textToVideo: true,
  ratios: { image_to_video: VEO, text_to_video: VEO },
  durations,
  maxPrompt: 1000,
  audio: true,
  lastFrame,
});
const seedance = (maxShortSide: number): ModelRules => ({
  textToVideo: true,
  ratios: { image_to_video: 'any', text_to_video: 'any' },
  maxSide: 3840,
  maxShortSide,
  maxPrompt: 3500,
});

export const RUNWAY_MODELS: Readonly<Record<string, ModelRules>> = {
  'gen4.5': { textToVideo: true, ratios: { image_to_video: GEN4, text_to_video: ['1280:720', '720:1280'] }, durations: span(2, 10), durationRequired: true, promptRequired: true, maxPrompt: 1000 },
  gen4_turbo: { textToVideo: false, ratios: { image_to_video: GEN4, text_to_video: [] }, maxPrompt: 1000 },
  'veo3.1': veo([4, 6, 8], true),
  'veo3.1_fast': veo([4, 6, 8], true),
  veo3: veo([8], false),
  seedance2: seedance(3840),
  seedance2_fast: seedance(720),
  seedance2_mini: seedance(720),
  gemini_omni_flash: { textToVideo: true, ratios: { image_to_video: ['1280:720', '720:1280'], text_to_video: ['1280:720', '720:1280'] }, durations: span(3, 10), maxPrompt: 1000 },
  happyhorse_1_0: { textToVideo: true, ratios: { image_to_video: 'image', text_to_video: 'any' }, maxSide: 1920, maxShortSide: 1080, maxPrompt: 2500, resolutions: ['720P', '1080P'] },
};

/** Data URIs: at most 5 MB (reference "Inputs"); URLs: https on a domain, at most 2048 characters. */
const MAX_DATA_URI_CHARS = 5 * 1024 * 1024;
const MAX_URL_CHARS = 2048;

export interface TaskRequest {
  model: string;
  ratio?: string;
  promptText?: string;
}

export function validateTask(endpoint: Endpoint, body: Record<string, unknown>): { ok: true; task: TaskRequest } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const issue = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const model = body.model;
  const rules = typeof model === 'string' ? RUNWAY_MODELS[model] : undefined;
  if (typeof model !== 'string' || !rules) {
    issue('model', `Invalid model. Expected one of ${Object.keys(RUNWAY_MODELS).join(', ')}`);
    return { ok: false, issues };
  }
  if (endpoint === 'text_to_video' && !rules.textToVideo) {
    issue('model', `${model} does not support text_to_video; use image_to_video with a promptImage`);
    return { ok: false, issues };
  }
  checkPrompt(body.promptText, rules, issue);
  if (endpoint === 'image_to_video') checkPromptImage(body.promptImage, rules, issue);
  else if (body.promptImage !== undefined) issue('promptImage', 'text_to_video takes no promptImage');
  checkRatio(body.ratio, rules.ratios[endpoint], rules, issue);
  checkDuration(body.duration, rules, issue);
  if (body.audio !== undefined && (!rules.audio || typeof body.audio !== 'boolean')) issue('audio', rules.audio ? 'Expected a boolean' : `${model} does not take audio`);
  if (body.seed !== undefined && !(Number.isInteger(body.seed) && (body.seed as number) >= 0 && (body.seed as number) <= 4_294_967_295)) {
    issue('seed', 'Expected an integer from 0 to 4294967295');
  }
  if (body.resolution !== undefined && !(rules.resolutions ?? []).includes(body.resolution as string)) {
    issue('resolution', rules.resolutions ? `Expected one of ${rules.resolutions.join(', ')}` : `${model} does not take resolution`);
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, task: { model, ...(typeof body.ratio === 'string' ? { ratio: body.ratio } : {}), ...(typeof body.promptText === 'string' ? { promptText: body.promptText } : {}) } };
}

type Report = (path: string, message: string) => void;

function checkPrompt(value: unknown, rules: ModelRules, issue: Report): void {
  if (value === undefined) {
    if (rules.promptRequired) issue('promptText', 'Required');
    return;
  }
  if (typeof value !== 'string' || value.trim() === '') return issue('promptText', 'Expected a non-empty string');
  // String length in JavaScript counts UTF-16 code units, as the limit does.
  if (value.length > rules.maxPrompt) issue('promptText', `String must contain at most ${rules.maxPrompt} character(s)`);
}

function checkPromptImage(value: unknown, rules: ModelRules, issue: Report): void {
  if (value === undefined) return issue('promptImage', 'Required');
  if (typeof value === 'string') return checkUri(value, 'promptImage', issue);
  if (!Array.isArray(value) || value.length === 0 || value.length > 2) return issue('promptImage', 'Expected a URI or an array of one or two {uri, position}');
  const positions = new Set<string>();
  value.forEach((item: unknown, index) => {
    const at = `promptImage[${index}]`;
    if (typeof item !== 'object' || item === null) return issue(at, 'Expected an object {uri, position}');
    const { uri, position } = item as Record<string, unknown>;
    if (typeof uri !== 'string') issue(`${at}.uri`, 'Required');
    else checkUri(uri, `${at}.uri`, issue);
    if (position !== 'first' && position !== 'last') return issue(`${at}.position`, "Expected 'first' or 'last'");
    if (positions.has(position)) issue(`${at}.position`, `Only one image may be '${position}'`);
    positions.add(position);
  });
  if (positions.has('last') && !rules.lastFrame) issue('promptImage', "This model does not take a 'last' image");
  if (positions.has('last') && !positions.has('first')) issue('promptImage', "A 'last' image needs a 'first' one");
}

function checkUri(uri: string, path: string, issue: Report): void {
  if (uri.startsWith('data:')) {
    if (uri.length > MAX_DATA_URI_CHARS) return issue(path, 'Data URIs may be at most 5 MB');
    if (!isImageDataUrl(uri)) issue(path, 'Expected a base64 data URI of a PNG, JPEG or WebP image');
    return;
  }
  if (uri.startsWith('runway://')) return issue(path, 'Unknown upload: this emulator issued no ephemeral uploads');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return issue(path, 'Invalid URI');
  }
  if (url.protocol !== 'https:') return issue(path, 'Image URLs must use HTTPS');
  if (/^[\d.]+$/.test(url.hostname) || url.hostname.includes(':')) return issue(path, 'Image URLs must name a domain, not an IP address');
  if (uri.length > MAX_URL_CHARS) issue(path, `URLs may be at most ${MAX_URL_CHARS} characters`);
}

function checkRatio(value: unknown, allowed: readonly string[] | 'image' | 'any', rules: ModelRules, issue: Report): void {
  if (allowed === 'image') {
    if (value !== undefined) issue('ratio', 'This model keeps the ratio of its image and takes none');
    return;
  }
  if (value === undefined) {
    if (allowed !== 'any') issue('ratio', 'Required');
    return;
  }
  if (typeof value !== 'string') return issue('ratio', 'Expected a string such as 1280:720');
  if (allowed !== 'any') {
    if (!allowed.includes(value)) issue('ratio', `Invalid enum value. Expected ${allowed.map((r) => `'${r}'`).join(' | ')}, received '${value}'`);
    return;
  }
  const match = /^(\d+):(\d+)$/.exec(value);
  const [width, height] = [Number(match?.[1]), Number(match?.[2])];
  if (!match || width <= 0 || height <= 0 || width > (rules.maxSide ?? Infinity) || height > (rules.maxSide ?? Infinity)) {
    return issue('ratio', `Expected W:H in pixels up to ${rules.maxSide}:${rules.maxSide}`);
  }
  if (Math.min(width, height) > (rules.maxShortSide ?? Infinity)) issue('ratio', `This model renders at most ${rules.maxShortSide}p`);
}

function checkDuration(value: unknown, rules: ModelRules, issue: Report): void {
  if (value === undefined) {
    if (rules.durationRequired) issue('duration', 'Required');
    return;
  }
  if (!Number.isInteger(value)) return issue('duration', 'Expected an integer');
  if (rules.durations && !rules.durations.includes(value as number)) issue('duration', `Expected one of ${rules.durations.join(', ')}`);
}
