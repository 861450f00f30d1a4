import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VideogenError } from '../errors.js';
import type { ImageSource } from '../manifest/types.js';
import { sniffImageMime, type ImageMime } from '../util/image-type.js';

export { sniffImageMime, type ImageMime };

/** The image types every supported API accepts (HeyGen assets and OpenAI input_reference alike). */

/** A local reference image read into memory: images are small (HeyGen caps them at 32 MB), videos are never buffered. */
export interface LocalImage {
  path: string;
  /** The file's name, sent as the multipart filename. */
  filename: string;
  bytes: Buffer;
  mime: ImageMime;
  /** Hex sha256 of the bytes. */
  sha256: string;
}

export function toDataUrl(image: Pick<LocalImage, 'bytes' | 'mime'>): string {
  return `data:${image.mime};base64,${image.bytes.toString('base64')}`;
}

/** `sha256:<hex>` and `<hex>` both name the same digest. */
function bareDigest(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
}

/**
 * Reads a local image for upload or inlining. The manifest hashed the file when it was
 * loaded and that hash is in the spec; if the bytes changed since, sending them would
 * record a video under a spec it was not made from, so that is an error.
 */
export async function readLocalImage(source: Extract<ImageSource, { kind: 'file' }>): Promise<LocalImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch (cause) {
    throw new VideogenError('VIDEOGEN_IMAGE_UNREADABLE', `cannot read image ${source.path}`, {
      hint: 'check that the file exists and is readable',
      cause,
    });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (source.sha256 && bareDigest(source.sha256) !== sha256) {
    throw new VideogenError('VIDEOGEN_IMAGE_CHANGED', `image ${source.path} changed after the manifest was loaded`, {
      hint: 'run the command again so the plan reflects the current file',
    });
  }
  const mime = sniffImageMime(bytes);
  if (!mime) {
    throw new VideogenError('VIDEOGEN_IMAGE_UNSUPPORTED', `image ${source.path} is not a PNG, JPEG or WebP file`, {
      hint: 'convert it to PNG, JPEG or WebP',
    });
  }
  return { path: source.path, filename: path.basename(source.path), bytes, mime, sha256 };
}

/** A Blob carrying the right type, for a multipart file part. */
export function imageBlob(image: LocalImage): Blob {
  return new Blob([new Uint8Array(image.bytes)], { type: image.mime });
}
