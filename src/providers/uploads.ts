/**
 * Local images that an API takes only as URLs (HeyGen's assets, fal's CDN) are uploaded
 * once per client and content: shots sharing an image, even submitted concurrently, share
 * one upload.
 */
import { HttpError } from '../http/errors.js';
import type { ImageSource } from '../manifest/types.js';
import type { CallContext } from './types.js';

export type LocalImageSource = Extract<ImageSource, { kind: 'file' }>;

/** Uploads one local image and returns the URL the API fetches it from. */
export type Uploader = (image: LocalImageSource, shotId: string, ctx: CallContext) => Promise<string>;

export class UploadCache {
  /** Keyed by the image's sha256. */
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(private readonly upload: Uploader) {}

  /** A URL the API can fetch: URLs pass through, local files are uploaded (once per content). */
  urlFor(image: ImageSource, shotId: string, ctx: CallContext): Promise<string> {
    if (image.kind === 'url') return Promise.resolve(image.url);
    const cached = this.uploads.get(image.sha256);
    if (cached) {
      // The shared upload runs under the signal of the shot that started it; if that shot
      // was aborted and this one was not, this one uploads for itself.
      return cached.catch((error: unknown) => {
        if (error instanceof HttpError && error.kind === 'aborted' && !ctx.signal.aborted) return this.urlFor(image, shotId, ctx);
        throw error;
      });
    }
    const upload = this.upload(image, shotId, ctx);
    this.uploads.set(image.sha256, upload);
    // A failed upload must not poison the cache: the next shot (or the next try) uploads again.
    upload.catch(() => {
      if (this.uploads.get(image.sha256) === upload) this.uploads.delete(image.sha256);
    });
    return upload;
  }
}
