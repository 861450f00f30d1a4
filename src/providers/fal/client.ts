/**
 * fal's queue (reference/fal-queue.md): submit to the full model id, keep the status and
 * result URLs fal hands back (in the lock's `remote`), poll the status until COMPLETED,
 * then fetch the result at once, because COMPLETED also ends failed requests, whose error
 * shows only in the result, and results are kept briefly. Videos are public CDN URLs that
 * never see the key.
 */
import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import { HttpError } from '../../http/errors.js';
import type { LockRemote } from '../../lock/types.js';
import type { ImageSource, Shot } from '../../manifest/types.js';
import { sameOrigin } from '../../util/base-url.js';
import { readLocalImage } from '../images.js';
import { downloadSignedUrl, getJobStatus } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { badResponse, parseAnswer } from '../response.js';
import type { CallContext, Provider, ProviderFactory, PollResult } from '../types.js';
import { UploadCache, type LocalImageSource } from '../uploads.js';
import { FAL_MAX_UPLOAD_BYTES, falHost, falModule } from './index.js';
import { findSubmittedRequest } from './recover.js';
import { falRequestBody } from './request.js';
import { RESULT_ANSWER_STATUSES, resultOutcome } from './result.js';
import { builtRequestUrls, modelPath, onOriginOf, requestUrlsOf, withQuery, type RequestUrls } from './urls.js';

const optionalUrl = z.string().regex(/^https?:\/\//).nullish().catch(undefined);

// Only request_id is required; the three URLs are documented but checked, never assumed.
const SubmitAnswer = z.object({
  request_id: z.string().min(1),
  status_url: optionalUrl,
  response_url: optionalUrl,
  cancel_url: optionalUrl,
});

const StatusAnswer = z.object({ status: z.string() });

const UploadAnswer = z.object({ upload_url: z.string().regex(/^https?:\/\//), file_url: z.string().regex(/^https?:\/\//) });

export const createFalProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  // A fal key may be `KEY_ID:KEY_SECRET`; either half alone is worth hiding too.
  const secrets = [apiKey, ...apiKey.split(':').filter((part) => part.length >= 8)];
  for (const secret of secrets) http.addSecret(secret);
  const auth = authHeaders(falModule.auth, apiKey);
  const queueUrl = config.baseUrl;
  const restUrl = falHost(config, 'rest_url');

  /**
   * A recorded URL as this run reaches it. The in-process emulator (`emulate: true`) listens
   * on a new port every run yet answers for earlier runs' requests (their state lives in
   * their ids), so an emulated entry's URLs move to this run's emulator; real ones are used
   * as fal gave them.
   */
  function located(url: string): string {
    return config.emulate ? onOriginOf(url, queueUrl) : url;
  }

  /** The key goes to fal's own hosts only: a URL an answer points elsewhere never gets it. */
  function keyFor(url: string, what: string): Record<string, string> {
    if (sameOrigin(url, queueUrl)) return auth;
    throw badResponse(what, `fal handed out a URL on another host than base_url (${new URL(url).origin}); videogen sends the key only to base_url's host`);
  }

  async function uploadToCdn(image: LocalImageSource, shotId: string, ctx: CallContext): Promise<string> {
    const local = await readLocalImage(image);
    if (local.bytes.length > FAL_MAX_UPLOAD_BYTES) {
      throw new VideogenError('VIDEOGEN_IMAGE_TOO_LARGE', `image ${image.path} is larger than fal's 90 MB upload limit`, { hint: 'resize or recompress it' });
    }
    const purpose = `upload ${local.filename} for ${shotId}`;
    // Uploads create nothing billable, so an ambiguous failure is safe to repeat, like a GET.
    const initiated = await http.request<unknown>({
      method: 'POST',
      url: `${restUrl}/storage/upload/initiate?storage_type=fal-cdn-v3`,
      auth,
      json: { content_type: local.mime, file_name: local.filename },
      retry: 'idempotent',
      signal: ctx.signal,
      purpose,
      apiKeyEnv: config.apiKeyEnv,
    });
    const { upload_url: uploadUrl, file_url: fileUrl } = parseAnswer(UploadAnswer, initiated.body, purpose, secrets);
    // A signed URL on the storage backend: it needs no key and must never receive one.
    await http.request({
      method: 'PUT',
      url: uploadUrl,
      bytes: { data: local.bytes, contentType: local.mime },
      retry: 'idempotent',
      signal: ctx.signal,
      purpose,
    });
    return fileUrl;
  }

  const uploads = new UploadCache(uploadToCdn);

  /** A URL fal can fetch: URLs pass through, local files go to its CDN (once per content). */
  function imageUrl(image: ImageSource, shotId: string, ctx: CallContext): Promise<string> {
    return image.kind === 'url' ? Promise.resolve(image.url) : uploads.upload(image, shotId, ctx);
  }

  async function requestBody(shot: Shot, ctx: CallContext): Promise<Record<string, unknown>> {
    const [reference, tail] = await Promise.all([
      shot.referenceImage ? imageUrl(shot.referenceImage, shot.id, ctx) : undefined,
      shot.tailImage ? imageUrl(shot.tailImage, shot.id, ctx) : undefined,
    ]);
    return falRequestBody(shot.spec, { ...(reference ? { reference } : {}), ...(tail ? { tail } : {}) });
  }

  /** The finished request's result, fetched at once: a video, or why there is none. */
  async function collectResult(jobId: string, urls: RequestUrls, remote: LockRemote | undefined, ctx: CallContext): Promise<PollResult> {
    const purpose = `fetch the result of ${jobId}`;
    const response = await http.request<unknown>({
      method: 'GET',
      url: urls.response_url,
      auth: keyFor(urls.response_url, purpose),
      retry: 'idempotent',
      answerStatuses: RESULT_ANSWER_STATUSES,
      signal: ctx.signal,
      purpose,
      apiKeyEnv: config.apiKeyEnv,
    });
    const outcome = resultOutcome(response.status, response.headers, response.body);
    switch (outcome.kind) {
      case 'video': {
        // Kept so a later apply can download the video again after fal has dropped the result.
        const job = { jobId, url: outcome.url, remote: { video_url: outcome.url } };
        return { state: 'completed', progress: 100, job, remote: job.remote };
      }
      case 'failed':
        return { state: 'failed', error: outcome.error };
      case 'gone': {
        const known = remote?.video_url;
        if (known) return { state: 'completed', progress: 100, job: { jobId, url: located(known) } };
        return {
          state: 'failed',
          error: { code: 'result_expired', message: `fal no longer keeps the result of ${jobId} (results are kept 1 hour, 6 minutes when 10 KB or more)`, class: 'failed' },
        };
      }
      case 'unclear':
        throw new HttpError('server', `${purpose}: HTTP ${response.status} without fal's error shape; asking again`, { status: response.status });
    }
  }

  const provider: Provider = {
    type: 'fal',
    config,

    async submit(shot, ctx) {
      const body = await requestBody(shot, ctx);
      const purpose = `submit ${shot.id}`;
      const response = await http.request<unknown>({
        method: 'POST',
        url: `${queueUrl}/${modelPath(shot.spec.model)}`,
        auth,
        json: body,
        // No idempotency key exists: never repeated where a request may have been queued.
        retry: 'submit',
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      const answer = parseAnswer(SubmitAnswer, response.body, purpose, secrets);
      // fal's own URLs when it sends them; else, rather than lose a paid request, the ones
      // both SDKs would build.
      const built = builtRequestUrls(queueUrl, shot.spec.model, answer.request_id);
      const remote: LockRemote = {
        status_url: answer.status_url ?? built.status_url,
        response_url: answer.response_url ?? built.response_url,
        cancel_url: answer.cancel_url ?? built.cancel_url,
      };
      return { jobId: answer.request_id, remote };
    },

    async poll(jobId, ctx) {
      const recorded = requestUrlsOf(ctx.remote);
      if (!recorded) {
        throw new VideogenError('VIDEOGEN_PROVIDER_NO_REMOTE', `poll ${jobId}: the lock holds no fal status_url/response_url for this request`, {
          hint: "fal's URLs are recorded at submission; without them videogen will not guess where the request lives",
        });
      }
      const urls = { status_url: located(recorded.status_url), response_url: located(recorded.response_url) };
      const purpose = `poll ${jobId}`;
      const answer = await getJobStatus(http, {
        url: withQuery(urls.status_url, 'logs', '1'),
        auth: keyFor(urls.status_url, purpose),
        signal: ctx.signal,
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      if (answer === 'not_found') return { state: 'not_found' };
      const { status } = parseAnswer(StatusAnswer, answer.body, purpose, secrets);
      switch (status) {
        case 'IN_QUEUE':
          return { state: 'queued' };
        case 'COMPLETED':
          return collectResult(jobId, urls, ctx.remote, ctx);
        default:
          // IN_PROGRESS, and FAILED or CANCELED that third-party schemas list but fal's document
          // does not: not finished as far as we can know; the executor's timeout bounds it.
          return { state: 'running' };
      }
    },

    async findSubmitted(shot, since, claimed, ctx) {
      return findSubmittedRequest({ http, config, auth }, shot, since, claimed, ctx);
    },

    async download(job, dest, ctx) {
      // A public CDN URL (v3.fal.media): no key, ever.
      return downloadSignedUrl(http, job, dest, ctx, config.downloadTimeoutMs);
    },
  };
  return provider;
};
