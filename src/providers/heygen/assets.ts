/**
 * HeyGen's asset upload (`POST /v3/assets`, reference/heygen-v3.md §3), shared by the v1
 * workflow client (which passes the asset's URL) and the v3 client (which passes its id).
 * Local images are uploaded once per content per run, however many shots use them.
 */
import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { HttpError } from '../../http/errors.js';
import type { ImageSource } from '../../manifest/types.js';
import { imageBlob, readLocalImage } from '../images.js';
import { parseAnswer } from '../response.js';
import type { CallContext } from '../types.js';
import { HEYGEN_MAX_IMAGE_BYTES } from './index.js';

export type LocalImageSource = Extract<ImageSource, { kind: 'file' }>;

export interface AssetUploaderOptions {
  http: HttpClient;
  baseUrl: string;
  apiKeyEnv: string;
  auth: Record<string, string>;
  /** Scrubbed from a quoted answer. */
  secrets: string[];
  /** What the caller sends on: the asset's URL (v1 workflow inputs) or its id (v3 asset unions). */
  field: 'url' | 'asset_id';
}

/** Uploads a local image and answers the field the caller asked for; the same content is uploaded once. */
export type AssetUploader = (image: LocalImageSource, shotId: string, ctx: CallContext) => Promise<string>;

export function heygenAssetUploader(options: AssetUploaderOptions): AssetUploader {
  const { http, baseUrl, apiKeyEnv, auth, secrets, field } = options;
  // Only the field the caller needs is required: a HeyGen-compatible gateway may answer less.
  const AssetAnswer = z.object({ data: z.object({ [field]: z.string().min(1) }) });
  /** Keyed by the image's sha256, so shots sharing an image upload it once even when submitted concurrently. */
  const uploads = new Map<string, Promise<string>>();

  async function upload(image: LocalImageSource, shotId: string, ctx: CallContext): Promise<string> {
    const local = await readLocalImage(image);
    if (local.bytes.length > HEYGEN_MAX_IMAGE_BYTES) {
      throw new VideogenError('VIDEOGEN_IMAGE_TOO_LARGE', `image ${image.path} is larger than HeyGen's 32 MB limit`, {
        hint: 'resize or recompress it',
      });
    }
    const form = new FormData();
    form.append('file', imageBlob(local), local.filename);
    const purpose = `upload ${local.filename} for ${shotId}`;
    const response = await http.request<unknown>({
      method: 'POST',
      url: `${baseUrl}/v3/assets`,
      auth,
      form,
      // An asset upload creates nothing billable, so repeating it after an ambiguous
      // failure costs at most a duplicate asset: safe to retry like a GET.
      retry: 'idempotent',
      signal: ctx.signal,
      purpose,
      apiKeyEnv,
    });
    return parseAnswer(AssetAnswer, response.body, purpose, secrets).data[field]!;
  }

  const uploadOnce: AssetUploader = (image, shotId, ctx) => {
    const cached = uploads.get(image.sha256);
    if (cached) {
      // The shared upload runs under the signal of the shot that started it; if that shot
      // was aborted and this one was not, this one uploads for itself.
      return cached.catch((error: unknown) => {
        if (error instanceof HttpError && error.kind === 'aborted' && !ctx.signal.aborted) return uploadOnce(image, shotId, ctx);
        throw error;
      });
    }
    const started = upload(image, shotId, ctx);
    uploads.set(image.sha256, started);
    // A failed upload must not poison the cache: the next shot (or the next try) uploads again.
    started.catch(() => {
      if (uploads.get(image.sha256) === started) uploads.delete(image.sha256);
    });
    return started;
  };
  return uploadOnce;
}
