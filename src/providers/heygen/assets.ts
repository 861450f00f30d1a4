/**
 * HeyGen's asset upload (`POST /v3/assets`, reference/heygen-v3.md §3), shared by the v1
 * workflow client (which passes the asset's URL) and the v3 client (which passes its id).
 * Local images are uploaded once per content per run, however many shots use them.
 */
import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { imageBlob, readLocalImage } from '../images.js';
import { parseAnswer } from '../response.js';
import type { CallContext } from '../types.js';
import { UploadCache, type LocalImageSource, type Uploader } from '../uploads.js';
import { HEYGEN_MAX_IMAGE_BYTES } from './index.js';

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
export function heygenAssetUploader(options: AssetUploaderOptions): Uploader {
  const { http, baseUrl, apiKeyEnv, auth, secrets, field } = options;
  // Only the field the caller needs is required: a HeyGen-compatible gateway may answer less.
  const AssetAnswer = z.object({ data: z.object({ [field]: z.string().min(1) }) });

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

  const cache = new UploadCache(upload);
  return (image, shotId, ctx) => cache.upload(image, shotId, ctx);
}
