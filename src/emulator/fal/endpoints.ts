/**
 * The inputs of the fal video endpoints reference/fal-queue.md documents ("Four video
 * models"), as the emulator checks them: the emulator's own copy, written from the document
 * and not from the client's model table (providers/fal/index.ts), so that a mistake in one
 * is caught by the other. Enum values are strings, as fal's endpoint types declare them.
 */
import { isHttpUrl, isImageDataUrl } from '../image-urls.js';
import type { DetailItem } from './errors.js';

interface EndpointInputs {
  /** Enumerated string inputs and their allowed values. */
  enums: Readonly<Record<string, readonly string[]>>;
  /** Image URL inputs: required or optional. */
  images: Readonly<Record<string, 'required' | 'optional'>>;
  booleans: readonly string[];
  integers: readonly string[];
  /** Kling v3 takes `prompt` or `multi_prompt`. */
  promptOrMultiPrompt?: boolean;
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

const veo: EndpointInputs = {
  enums: { duration: ['4s', '6s', '8s'], aspect_ratio: ['16:9', '9:16'], resolution: ['720p', '1080p', '4k'], safety_tolerance: range(1, 6) },
  images: {},
  booleans: ['generate_audio'],
  integers: ['seed'],
};
const klingV3: EndpointInputs = { enums: { duration: range(3, 15) }, images: {}, booleans: ['generate_audio'], integers: [], promptOrMultiPrompt: true };
const seedance: EndpointInputs = {
  enums: {
    duration: ['auto', ...range(4, 15)],
    aspect_ratio: ['auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'],
    resolution: ['480p', '720p', '1080p', '4k'],
  },
  images: {},
  booleans: [],
  integers: [],
};
const seedanceI2v: EndpointInputs = { ...seedance, images: { image_url: 'required', end_image_url: 'optional' } };

export const FAL_ENDPOINTS: ReadonlyMap<string, EndpointInputs> = new Map([
  ['fal-ai/veo3.1', veo],
  ['fal-ai/veo3.1/fast', veo],
  ['fal-ai/veo3.1/lite', { ...veo, enums: { ...veo.enums, resolution: ['720p', '1080p'] } }],
  ['fal-ai/veo3.1/image-to-video', { ...veo, enums: { ...veo.enums, aspect_ratio: ['auto', '16:9', '9:16'] }, images: { image_url: 'required' } }],
  ['fal-ai/kling-video/v3/pro/image-to-video', { ...klingV3, images: { start_image_url: 'required', end_image_url: 'optional' } }],
  ['fal-ai/kling-video/v3/pro/text-to-video', { ...klingV3, enums: { ...klingV3.enums, aspect_ratio: ['16:9', '9:16', '1:1'] } }],
  ['bytedance/seedance-2.0/image-to-video', seedanceI2v],
  ['bytedance/seedance-2.0/fast/image-to-video', seedanceI2v],
  ['bytedance/seedance-2.0/text-to-video', seedance],
  ['bytedance/seedance-2.0/fast/text-to-video', seedance],
  ['fal-ai/minimax/hailuo-2.3/pro/image-to-video', { enums: {}, images: { image_url: 'required' }, booleans: ['prompt_optimizer'], integers: [] }],
]);

/** Whether an image URL input names something fetchable; the emulator's own CDN answers for its uploads. */
export type ImageCheck = (url: string) => 'ok' | 'missing';

/**
 * What the endpoint's app would say about the input, as pydantic-style detail items (empty:
 * valid). fal hosts hundreds of endpoints: for one the emulator does not know, only the
 * prompt is checked.
 */
export function checkInput(endpoint: string, input: Record<string, unknown>, imageCheck: ImageCheck): DetailItem[] {
  const known = FAL_ENDPOINTS.get(endpoint);
  const problems: DetailItem[] = [];
  const promptOptional = known?.promptOrMultiPrompt && input.multi_prompt !== undefined;
  if (!promptOptional) {
    if (input.prompt === undefined) problems.push({ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' });
    else if (typeof input.prompt !== 'string' || input.prompt.trim() === '') {
      problems.push({ loc: ['body', 'prompt'], msg: 'Input should be a non-empty string', type: 'string_type' });
    }
  }
  if (!known) return problems;
  for (const [name, allowed] of Object.entries(known.enums)) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      problems.push({ loc: ['body', name], msg: `Input should be ${allowed.map((v) => `'${v}'`).join(', ')}`, type: 'literal_error' });
    }
  }
  for (const name of known.booleans) {
    if (input[name] !== undefined && typeof input[name] !== 'boolean') problems.push({ loc: ['body', name], msg: 'Input should be a valid boolean', type: 'bool_type' });
  }
  for (const name of known.integers) {
    if (input[name] !== undefined && !Number.isInteger(input[name])) problems.push({ loc: ['body', name], msg: 'Input should be a valid integer', type: 'int_type' });
  }
  for (const [name, need] of Object.entries(known.images)) {
    const value = input[name];
    if (value === undefined) {
      if (need === 'required') problems.push({ loc: ['body', name], msg: 'Field required', type: 'missing' });
    } else if (typeof value !== 'string' || !(isHttpUrl(value) || isImageDataUrl(value))) {
      problems.push({ loc: ['body', name], msg: 'Input should be a URL or a data URI', type: 'url_parsing' });
    } else if (imageCheck(value) === 'missing') {
      problems.push({ loc: ['body', name], msg: 'Failed to download the file', type: 'file_download_error' });
    }
  }
  return problems;
}

