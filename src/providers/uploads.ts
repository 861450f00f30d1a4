/**
 * Local images that an API takes only by reference (HeyGen's assets, fal's CDN) are uploaded
 * once per client and content: shots sharing an image, even submitted concurrently, share
 * one upload.
 */
import { HttpError } from '../http/errors.js';
import type { ImageSource } from '../manifest/types.js';
import type { CallContext } from './types.js';

export type LocalImageSource = Extract<ImageSource, { kind: 'file' }>;

/** Uploads one local image and answers what the API knows it by (a URL, an asset id). */
export type Uploader = (image: LocalImageSource, shotId: string, ctx: CallContext) => Promise<string>;

export class UploadCache {
  /** Keyed by the image's sha256. */
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(private readonly send: Uploader) {}

  /** The upload's answer for this content: the first shot that needs it uploads, the others wait for that. */
  upload(image: LocalImageSource, shotId: string, ctx: CallContext): Promise<string> {
    const cached = this.uploads.get(image.sha256);
    if (cached) {
      // The shared upload runs under the signal of the shot that started it; if that shot
      // was aborted and this one was not, this one uploads for itself.
      return cached.catch((error: unknown) => {
        if (error instanceof HttpError && error.kind === 'aborted' && !ctx.signal.aborted) return this.upload(image, shotId, ctx);
        throw error;
      });
    }
    const started = this.send(image, shotId, ctx);
    this.uploads.set(image.sha256, started);
    // A failed upload must not poison the cache: the next shot (or the next try) uploads again.
    started.catch(() => {
      if (this.uploads.get(image.sha256) === started) this.uploads.delete(image.sha256);
    });
    return started;
  }
}
