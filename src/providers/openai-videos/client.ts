import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import type { HttpRequest } from '../../http/types.js';
import type { Shot } from '../../manifest/types.js';
import { sameOrigin } from '../../util/base-url.js';
import { imageBlob, readLocalImage, toDataUrl, type LocalImage } from '../images.js';
import { jobFailureClass } from '../classify.js';
import { downloadFromApi, getJobStatus } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { optionalString, parseAnswer, positiveIntHeader, progressFrom } from '../response.js';
import type { Provider, ProviderFactory, PollResult } from '../types.js';
import { openAiSizeFor, openAiVideosModule, referenceFormatOf, type ReferenceFormat } from './index.js';
import { findSubmittedVideo } from './reconcile.js';

/**
 * Any OpenAI-compatible `/v1/videos` endpoint (OpenAI, Huixingyun, other resellers): see
 * reference/README.md. `config.baseUrl` includes the `/v1`.
 */

/** Fields videogen sets from dedicated manifest fields; `options` cannot override them. */
const RESERVED_FIELDS = new Set(['model', 'prompt', 'seconds', 'size', 'input_reference']);

const CreateAnswer = z.object({ id: z.string().min(1) });

// Resellers send nulls where OpenAI sends values, and status words OpenAI never uses.
const VideoAnswer = z.object({
  id: optionalString,
  status: z.string(),
  progress: z.unknown().optional(),
  expires_at: z.number().nullish().catch(undefined),
  error: z.object({ code: optionalString, message: optionalString }).nullish().catch(undefined),
});

type Fields = Record<string, unknown>;

/** The body of `POST /videos`: JSON, or multipart when a local file is sent as a file part. */
type CreateBody = { json: Fields } | { form: FormData };

function baseFields(shot: Shot): Fields {
  const { spec } = shot;
  const fields: Fields = {};
  for (const [key, value] of Object.entries(spec.options ?? {})) {
    if (!RESERVED_FIELDS.has(key)) fields[key] = value;
  }
  fields.model = spec.model;
  fields.prompt = spec.prompt;
  // Always a string: the API rejects a number with 400.
  if (spec.duration !== undefined) fields.seconds = String(spec.duration);
  const size = spec.size ?? (spec.aspect_ratio === undefined ? undefined : openAiSizeFor(spec.aspect_ratio));
  if (size !== undefined) fields.size = size;
  return fields;
}

/** Multipart carries only strings and files: extra option values that are objects go as JSON text. */
function toForm(fields: Fields, image: LocalImage): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  form.append('input_reference', imageBlob(image), image.filename);
  return form;
}

async function createBody(shot: Shot, format: ReferenceFormat): Promise<CreateBody> {
  const fields = baseFields(shot);
  const reference = shot.referenceImage;
  if (!reference) return { json: fields };
  if (reference.kind === 'url') {
    // A URL cannot be a file part; OpenAI's JSON object form carries it for `multipart` too.
    fields.input_reference = format === 'string' ? reference.url : { image_url: reference.url };
    return { json: fields };
  }
  const image = await readLocalImage(reference);
  switch (format) {
    case 'multipart':
      return { form: toForm(fields, image) };
    case 'object':
      fields.input_reference = { image_url: toDataUrl(image) };
      return { json: fields };
    case 'string':
      // Huixingyun's dialect: a plain string holding a URL or raw base64 (no data: prefix).
      fields.input_reference = image.bytes.toString('base64');
      return { json: fields };
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export const createOpenAiVideosProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(openAiVideosModule.auth, apiKey);
  const videoUrl = (id: string): string => `${config.baseUrl}/videos/${encodeURIComponent(id)}`;

  function pollResultFrom(body: unknown, headers: Record<string, string>, jobId: string, purpose: string): PollResult {
    const video = parseAnswer(VideoAnswer, body, purpose, secrets);
    const pollAfterMs = positiveIntHeader(headers, 'openai-poll-after-ms');
    const extra = pollAfterMs === undefined ? {} : { pollAfterMs };
    const progress = progressFrom(video.progress);
    const withProgress = progress === undefined ? {} : { progress };
    switch (video.status) {
      case 'queued':
        return { state: 'queued', ...withProgress, ...extra };
      case 'completed':
        // Content is kept for a while (about an hour at OpenAI); past expires_at the video is
        // gone, and only a new generation gets it back.
        if (typeof video.expires_at === 'number' && video.expires_at * 1000 <= Date.now()) {
          const message = `the video of job ${jobId} expired at ${new Date(video.expires_at * 1000).toISOString()} before it was downloaded`;
          return { state: 'failed', error: { code: 'video_expired', message, class: 'failed' }, ...extra };
        }
        return {
          state: 'completed',
          progress: 100,
          job: { jobId, url: `${videoUrl(jobId)}/content?variant=video` },
          ...extra,
        };
      case 'failed': {
        const code = video.error?.code ?? 'generation_failed';
        return {
          state: 'failed',
          error: { code, message: video.error?.message ?? 'failed without a reason', class: jobFailureClass(code) },
          ...extra,
        };
      }
      default:
        // in_progress, and resellers' `processing`, `pending` or anything new: not done yet.
        return { state: 'running', ...withProgress, ...extra };
    }
  }

  const provider: Provider = {
    type: 'openai-videos',
    config,

    async submit(shot, ctx) {
      if (shot.tailImage) {
        throw new VideogenError('VIDEOGEN_PROVIDER_UNSUPPORTED', `${shot.id}: openai-videos endpoints take no tail_image`, {
          hint: 'remove tail_image or use a heygen provider',
        });
      }
      const body = await createBody(shot, referenceFormatOf(config));
      const purpose = `submit ${shot.id}`;
      const request: HttpRequest = {
        method: 'POST',
        url: `${config.baseUrl}/videos`,
        auth,
        retry: 'submit',
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
        ...body,
      };
      const response = await http.request<unknown>(request);
      return { jobId: parseAnswer(CreateAnswer, response.body, purpose, secrets).id };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      const response = await getJobStatus(http, { url: videoUrl(jobId), auth, signal: ctx.signal, purpose, apiKeyEnv: config.apiKeyEnv });
      return response === 'not_found' ? { state: 'not_found' } : pollResultFrom(response.body, response.headers, jobId, purpose);
    },

    async findSubmitted(shot, since, claimed, ctx) {
      const fields = baseFields(shot);
      const expected = {
        model: asText(fields.model),
        prompt: asText(fields.prompt),
        ...(typeof fields.size === 'string' ? { size: fields.size } : {}),
        ...(typeof fields.seconds === 'string' ? { seconds: fields.seconds } : {}),
      };
      return findSubmittedVideo(http, config, auth, expected, shot, since, claimed, ctx);
    },

    download(job, dest, ctx) {
      return downloadFromApi(http, config, auth, job, dest, ctx);
    },
  };
  return provider;
};
