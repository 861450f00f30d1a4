/**
 * The JSON body of `POST /videos` (reference/openrouter-videos.md §2), built from the spec so
 * that what is sent is exactly what the spec hash names.
 */
import type { ImageSource, Shot } from '../../manifest/types.js';
import { readLocalImage, toDataUrl } from '../images.js';
import { OPENROUTER_RESERVED_OPTIONS } from './index.js';

type FrameType = 'first_frame' | 'last_frame';

interface FrameImage {
  type: 'image_url';
  image_url: { url: string };
  frame_type: FrameType;
}

/** A URL as written; a local file inlined as a `data:` URL (the API fetches URLs, it takes no uploads). */
async function imageUrl(image: ImageSource): Promise<string> {
  if (image.kind === 'url') return image.url;
  return toDataUrl(await readLocalImage(image));
}

async function frameImages(shot: Shot): Promise<FrameImage[]> {
  const frames: Array<[ImageSource | undefined, FrameType]> = [
    [shot.referenceImage, 'first_frame'],
    [shot.tailImage, 'last_frame'],
  ];
  const images: FrameImage[] = [];
  for (const [image, frameType] of frames) {
    if (image) images.push({ type: 'image_url', image_url: { url: await imageUrl(image) }, frame_type: frameType });
  }
  return images;
}

export async function createVideoBody(shot: Shot): Promise<Record<string, unknown>> {
  const { spec } = shot;
  const body: Record<string, unknown> = {};
  // Validation refuses reserved keys in `options`; dropping them here too keeps the request
  // equal to the spec even for a lock entry written before that rule.
  for (const [key, value] of Object.entries(spec.options ?? {})) {
    if (!Object.hasOwn(OPENROUTER_RESERVED_OPTIONS, key)) body[key] = value;
  }
  body.model = spec.model;
  body.prompt = spec.prompt;
  if (typeof spec.duration === 'number') body.duration = spec.duration;
  if (typeof spec.resolution === 'string') body.resolution = spec.resolution;
  if (typeof spec.size === 'string') body.size = spec.size;
  else if (typeof spec.aspect_ratio === 'string') body.aspect_ratio = spec.aspect_ratio;
  if (typeof spec.audio === 'boolean') body.generate_audio = spec.audio;
  if (typeof spec.seed === 'number') body.seed = spec.seed;
  const frames = await frameImages(shot);
  if (frames.length > 0) body.frame_images = frames;
  return body;
}
