/**
 * HeyGen v3 clips (reference/heygen-v3.md §4, §7): submit `POST /v3/models/videos` with an
 * Idempotency-Key, poll `GET /v3/models/videos/{id}`, download the signed URL it hands
 * back. There is no list of these jobs to search after a crash (no findSubmitted): replaying
 * the key recorded with the intent is the only recovery, and the executor does that.
 */
import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import { HttpError } from '../../http/errors.js';
import type { ImageSource, Shot } from '../../manifest/types.js';
import { heygenAssetUploader } from '../heygen/assets.js';
import { downloadSignedUrl, getJobStatus } from '../job-requests.js';
import { classifyError, jobFailureClass, readsAsModeration } from '../classify.js';
import { authHeaders, type FailureClass } from '../module.js';
import { parseAnswer } from '../response.js';
import type { CallContext, PollResult, Provider, ProviderFactory } from '../types.js';
import { heygenV3Module, modeOf } from './index.js';

/** §7: 1–255 characters from `[A-Za-z0-9_:.-]`. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_:.-]{1,255}$/;

// Unknown keys are ignored and optional fields in an unexpected shape count as absent
// (`.catch`): only a missing id or status is an error.
const optionalString = z.string().nullish().catch(undefined);

const CreateAnswer = z.object({ data: z.object({ video_id: z.string().min(1) }) });

const VideoAnswer = z.object({
  data: z.object({
    status: z.string(),
    video_url: optionalString,
    failure_code: optionalString,
    failure_message: optionalString,
  }),
});

/** A media field's asset union (§3): a bare `{asset_id}` fails the `type` discriminator. */
type AssetUnion = { type: 'url'; url: string } | { type: 'asset_id'; asset_id: string };

export const createHeygenV3Provider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(heygenV3Module.auth, apiKey);
  const uploadAsset = heygenAssetUploader({ http, baseUrl: config.baseUrl, apiKeyEnv: config.apiKeyEnv, auth, secrets, field: 'asset_id' });
  const videoUrl = (id: string): string => `${config.baseUrl}/v3/models/videos/${encodeURIComponent(id)}`;

  async function asset(image: ImageSource, shotId: string, ctx: CallContext): Promise<AssetUnion> {
    if (image.kind === 'url') return { type: 'url', url: image.url };
    return { type: 'asset_id', asset_id: await uploadAsset(image, shotId, ctx) };
  }

  async function createBody(shot: Shot, ctx: CallContext): Promise<Record<string, unknown>> {
    const { spec } = shot;
    // Options first, so the fields videogen sets win (validation already refuses such keys).
    const body: Record<string, unknown> = { ...spec.options };
    body.model = spec.model;
    body.mode = modeOf(spec);
    body.prompt = spec.prompt;
    if (spec.duration !== undefined) body.duration = spec.duration;
    if (spec.resolution !== undefined) body.resolution = spec.resolution;
    if (spec.aspect_ratio !== undefined) body.aspect_ratio = spec.aspect_ratio;
    if (spec.seed !== undefined) body.seed = spec.seed;
    if (shot.referenceImage) body.image = await asset(shot.referenceImage, shot.id, ctx);
    return body;
  }

  function pollResultFrom(body: unknown, jobId: string, purpose: string): PollResult {
    const { data } = parseAnswer(VideoAnswer, body, purpose, secrets);
    switch (data.status) {
      case 'pending':
        return { state: 'queued' };
      case 'completed':
        // Completed without a URL: ask again (each GET signs a fresh one) rather than call a
        // paid job failed, which would have the next apply pay for it again.
        if (!data.video_url) return { state: 'running', progress: 100 };
        return { state: 'completed', progress: 100, job: { jobId, url: data.video_url } };
      case 'failed':
      case 'cancelled': {
        const code = data.failure_code ?? (data.status === 'cancelled' ? 'generation_cancelled' : 'generation_failed');
        const message = data.failure_message ?? `HeyGen reported the clip ${data.status} without a reason`;
        // The reference names no moderation code (only generation_failed and generation_cancelled),
        // so a refusal is told by its code where HeyGen gives one, else by its words.
        const refused = jobFailureClass(code) === 'moderation' || readsAsModeration(message);
        return { state: 'failed', error: { code, message, class: refused ? 'moderation' : 'failed' } };
      }
      default:
        // `processing`, and any status the reference does not name: not done yet (the executor's timeout bounds it).
        return { state: 'running' };
    }
  }

  const provider: Provider = {
    type: 'heygen-v3',
    config,

    classify: classifyHeygenV3Error,

    async submit(shot, ctx) {
      const key = ctx.idempotencyKey;
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new VideogenError('VIDEOGEN_INTERNAL', `submit ${shot.id}: idempotency key ${JSON.stringify(key)} is not 1 to 255 characters of [A-Za-z0-9_:.-]`);
      }
      const json = await createBody(shot, ctx);
      const purpose = `submit ${shot.id}`;
      const response = await http.request<unknown>({
        method: 'POST',
        url: `${config.baseUrl}/v3/models/videos`,
        auth,
        json,
        // With a key, HeyGen replays the first answer to a repeat instead of making a second
        // clip, so a lost answer may be asked for again; without one, every POST is a new charge.
        ...(key === undefined ? { retry: 'submit' as const } : { retry: 'keyed-submit' as const, headers: { 'Idempotency-Key': key } }),
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      return { jobId: parseAnswer(CreateAnswer, response.body, purpose, secrets).data.video_id };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      const response = await getJobStatus(http, { url: videoUrl(jobId), auth, signal: ctx.signal, purpose, apiKeyEnv: config.apiKeyEnv });
      return response === 'not_found' ? { state: 'not_found' } : pollResultFrom(response.body, jobId, purpose);
    },

    download: (job, dest, ctx) => downloadSignedUrl(http, job, dest, ctx, config.downloadTimeoutMs),
  };
  return provider;
};

/** What kind of failure an error from submit, poll or download is (DESIGN.md "Executor"). */
export function classifyHeygenV3Error(error: unknown): FailureClass {
  if (error instanceof HttpError) {
    // 409 request_in_progress: the first request with this key is still being made. Nothing
    // was refused, and the same key collects the job; 408 is a timeout by another name.
    if (error.status === 409 || error.status === 408) return 'transient';
    // HeyGen documents no content-policy error code; a 4xx that says so in words is one.
    const cls = classifyError(error);
    return cls === 'invalid' && error.kind === 'client' && readsAsModeration(error.message) ? 'moderation' : cls;
  }
  return classifyError(error);
}
