import { z } from 'zod';
import type { LockRemote } from '../../lock/types.js';
import type { ImageSource, Shot } from '../../manifest/types.js';
import { jobFailureClass } from '../classify.js';
import { downloadSignedUrl } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { badResponse, optionalString, parseAnswer, progressFrom } from '../response.js';
import type { CallContext, Provider, ProviderFactory, PollResult } from '../types.js';
import { heygenAssetUploader } from './assets.js';
import { heygenModule } from './index.js';

/**
 * HeyGen's workflow API (`GenerateVideoNode`): see reference/README.md. Submit a workflow
 * execution, poll it, download the temporary video URL it hands back.
 */

// Unknown keys are ignored and optional fields that come back in an unexpected shape are
// treated as absent (optionalString), so only a missing essential (an id, a status) is an error.
const SubmitAnswer = z.object({
  data: z.object({ execution_id: z.string().min(1) }),
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
  const uploadAsset = heygenAssetUploader({ http, baseUrl: config.baseUrl, apiKeyEnv: config.apiKeyEnv, auth, secrets, field: 'url' });

  /** A URL HeyGen can fetch: URLs pass through, local files are uploaded (once per content). */
  function imageUrl(image: ImageSource, shotId: string, ctx: CallContext): Promise<string> {
    return image.kind === 'url' ? Promise.resolve(image.url) : uploadAsset(image, shotId, ctx);
  }

  async function buildInput(shot: Shot, ctx: CallContext): Promise<Record<string, unknown>> {
    const { spec } = shot;
    const [referenceUrl, tailUrl] = await Promise.all([
      shot.referenceImage ? imageUrl(shot.referenceImage, shot.id, ctx) : undefined,
      shot.tailImage ? imageUrl(shot.tailImage, shot.id, ctx) : undefined,
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
      return downloadSignedUrl(http, job, dest, ctx, config.downloadTimeoutMs);
    },
  };
  return provider;
};
