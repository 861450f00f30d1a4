import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import type { LockRemote } from '../../lock/types.js';
import type { Shot } from '../../manifest/types.js';
import { downloadWithoutKey } from '../downloads.js';
import { imageBlob, readLocalImage } from '../images.js';
import { jobFailureClass } from '../classify.js';
import { authHeaders } from '../module.js';
import { badResponse, parseAnswer, progressFrom } from '../response.js';
import type { CallContext, Provider, ProviderFactory, PollResult } from '../types.js';
import { UploadCache, type LocalImageSource } from '../uploads.js';
import { HEYGEN_MAX_IMAGE_BYTES, heygenModule } from './index.js';

/**
 * HeyGen's workflow API (`GenerateVideoNode`): see reference/README.md. Submit a workflow
 * execution, poll it, download the temporary video URL it hands back.
 */

// Unknown keys are ignored and optional fields that come back in an unexpected shape are
// treated as absent (`.catch`), so only a missing essential (an id, a status) is an error.
const optionalString = z.string().nullish().catch(undefined);

const SubmitAnswer = z.object({
  data: z.object({ execution_id: z.string().min(1) }),
});

const AssetAnswer = z.object({
  data: z.object({ url: z.string().min(1) }),
});

const StatusAnswer = z.object({
  data: z.object({
    status: z.string(),
    progress: z.unknown().optional(),
    output: z
      .object({
        video: z.object({ video_url: optionalString, video_id: optionalString }).nullish().catch(undefined),
        video_url: optionalString,
        video_id: optionalString,
        asset_id: optionalString,
      })
      .nullish()
      .catch(undefined),
    error: z.object({ type: optionalString, code: optionalString, message: optionalString }).nullish().catch(undefined),
  }),
});

export const createHeygenProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(heygenModule.auth, apiKey);

  async function uploadAsset(image: LocalImageSource, shotId: string, ctx: CallContext): Promise<string> {
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
      url: `${config.baseUrl}/v3/assets`,
      auth,
      form,
      // An asset upload creates nothing billable, so repeating it after an ambiguous
      // failure costs at most a duplicate asset: safe to retry like a GET.
      retry: 'idempotent',
      signal: ctx.signal,
      purpose,
      apiKeyEnv: config.apiKeyEnv,
    });
    return parseAnswer(AssetAnswer, response.body, purpose, secrets).data.url;
  }

  const uploads = new UploadCache(uploadAsset);

  async function buildInput(shot: Shot, ctx: CallContext): Promise<Record<string, unknown>> {
    const { spec } = shot;
    const [referenceUrl, tailUrl] = await Promise.all([
      shot.referenceImage ? uploads.urlFor(shot.referenceImage, shot.id, ctx) : undefined,
      shot.tailImage ? uploads.urlFor(shot.tailImage, shot.id, ctx) : undefined,
    ]);
    const input: Record<string, unknown> = { prompt: spec.prompt, provider: spec.model };
    if (spec.aspect_ratio !== undefined) input.aspect_ratio = spec.aspect_ratio;
    if (referenceUrl !== undefined) input.reference_image_url = referenceUrl;
    if (tailUrl !== undefined) input.tail_image_url = tailUrl;
    if (spec.options !== undefined) input.config = spec.options;
    return input;
  }

  function pollResultFrom(body: unknown, jobId: string, purpose: string): PollResult {
    const { data } = parseAnswer(StatusAnswer, body, purpose, secrets);
    switch (data.status) {
      case 'completed': {
        const output = data.output;
        const url = output?.video?.video_url ?? output?.video_url;
        const remote: LockRemote = {};
        const videoId = output?.video?.video_id ?? output?.video_id;
        if (videoId) remote.video_id = videoId;
        if (output?.asset_id) remote.asset_id = output.asset_id;
        const hasRemote = Object.keys(remote).length > 0;
        if (!url) {
          return {
            state: 'failed',
            error: { code: 'no_output', message: 'HeyGen reported the job completed but returned no video URL' },
            ...(hasRemote ? { remote } : {}),
          };
        }
        return {
          state: 'completed',
          progress: 100,
          job: { jobId, url, ...(hasRemote ? { remote } : {}) },
          ...(hasRemote ? { remote } : {}),
        };
      }
      case 'failed': {
        const code = data.error?.type ?? data.error?.code ?? 'generation_failed';
        return {
          state: 'failed',
          error: { code, message: data.error?.message ?? 'HeyGen reported failure without a reason', class: jobFailureClass(code) },
        };
      }
      case 'not_found':
        return { state: 'not_found' };
      case 'submitted':
        return { state: 'queued' };
      default: {
        // `running` is the only intermediate value ever documented; anything new means "not done yet".
        const progress = progressFrom(data.progress);
        return progress === undefined ? { state: 'running' } : { state: 'running', progress };
      }
    }
  }

  const provider: Provider = {
    type: 'heygen',
    config,

    async submit(shot, ctx) {
      const input = await buildInput(shot, ctx);
      const purpose = `submit ${shot.id}`;
      const response = await http.request<unknown>({
        method: 'POST',
        url: `${config.baseUrl}/v1/workflows/executions`,
        auth,
        json: { workflow_type: 'GenerateVideoNode', input },
        retry: 'submit',
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      return { jobId: parseAnswer(SubmitAnswer, response.body, purpose, secrets).data.execution_id };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      const response = await http.request<unknown>({
        method: 'GET',
        url: `${config.baseUrl}/v1/workflows/executions/${encodeURIComponent(jobId)}`,
        auth,
        retry: 'idempotent',
        signal: ctx.signal,
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      return pollResultFrom(response.body, jobId, purpose);
    },

    async download(job, dest, ctx) {
      if (!job.url) throw badResponse(`download ${job.jobId}`, 'no video URL');
      // The temporary URL is pre-signed and usually on another host: never send it the key.
      return downloadWithoutKey(http, config, job, dest, ctx);
    },
  };
  return provider;
};
