/**
 * Replicate predictions (reference/replicate-and-runway.md, "Replicate"): create a prediction,
 * poll `GET /predictions/{id}`, download the output from Replicate's delivery host at once
 * (inputs and outputs are deleted an hour after the prediction), and find a prediction whose
 * creation answer was lost by listing the account's recent predictions.
 */
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { ImageSource } from '../../manifest/types.js';
import { classifyError, readsAsModeration } from '../classify.js';
import { imageBlob, readLocalImage, toDataUrl } from '../images.js';
import { downloadSignedUrl, getJobStatus } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { parseAnswer } from '../response.js';
import type { CallContext, PollResult, Provider, ProviderFactory } from '../types.js';
import { UploadCache, type LocalImageSource } from '../uploads.js';
import { REPLICATE_MAX_DATA_URL_BYTES, replicateModule } from './index.js';
import { imageInputNames, predictionInput, predictionRequest, type ImageValue } from './input.js';
import { findSubmittedPrediction, UPLOADED_IMAGE } from './reconcile.js';

const optionalString = z.string().nullish().catch(undefined);

const Prediction = z.object({
  id: z.string().min(1),
  status: z.string(),
  // A URI string or an array of them, per model; anything else is looked at when it matters.
  output: z.unknown().optional(),
  // A string when failed, per the SDKs; other shapes are shown as JSON.
  error: z.unknown().optional(),
  data_removed: z.boolean().nullish().catch(undefined),
  urls: z.object({ get: optionalString }).nullish().catch(undefined),
});

const UploadedFile = z.object({ urls: z.object({ get: z.string().min(1) }) });

export const createReplicateProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(replicateModule.auth, apiKey);
  const predictionUrl = (id: string): string => `${config.baseUrl}/predictions/${encodeURIComponent(id)}`;

  /** `POST /v1/files`, as the JavaScript client uploads blobs; the input then carries the file's `urls.get`. */
  async function uploadFile(image: LocalImageSource, shotId: string, ctx: CallContext): Promise<string> {
    const local = await readLocalImage(image);
    const form = new FormData();
    form.append('content', imageBlob(local), local.filename);
    const purpose = `upload ${local.filename} for ${shotId}`;
    const response = await http.request<unknown>({
      method: 'POST',
      url: `${config.baseUrl}/files`,
      auth,
      form,
      // A file creates nothing billable: repeating an ambiguous upload costs a duplicate file at most.
      retry: 'idempotent',
      signal: ctx.signal,
      purpose,
      apiKeyEnv: config.apiKeyEnv,
    });
    return parseAnswer(UploadedFile, response.body, purpose, secrets).urls.get;
  }
  const uploads = new UploadCache(uploadFile);

  /** Small local images inline as data URLs (not stored by Replicate), larger ones uploaded once per content. */
  function imageValue(shotId: string, ctx: CallContext): ImageValue {
    return async (image) => {
      if (image.kind === 'url') return image.url;
      if (image.bytes > REPLICATE_MAX_DATA_URL_BYTES) return uploads.upload(image, shotId, ctx);
      return toDataUrl(await readLocalImage(image));
    };
  }

  /** The same input without uploading anything: an image that would be uploaded cannot be compared anyway. */
  async function expectedImageValue(image: ImageSource): Promise<string> {
    if (image.kind === 'url') return image.url;
    if (image.bytes > REPLICATE_MAX_DATA_URL_BYTES) return UPLOADED_IMAGE;
    return toDataUrl(await readLocalImage(image));
  }

  function pollResultFrom(body: unknown, jobId: string, purpose: string): PollResult {
    const prediction = parseAnswer(Prediction, body, purpose, secrets);
    switch (prediction.status) {
      case 'starting':
        return { state: 'queued' };
      case 'succeeded':
        return succeeded(prediction, jobId);
      case 'failed': {
        const message = errorText(prediction.error) ?? 'the prediction failed without a reason';
        // Replicate's safety checker fails a prediction with words ("flagged as sensitive … (E005)"), not a code.
        const moderated = readsAsModeration(message);
        return { state: 'failed', error: { code: moderated ? 'prediction_flagged' : 'prediction_failed', message, class: moderated ? 'moderation' : 'failed' } };
      }
      case 'canceled':
        return { state: 'failed', error: { code: 'prediction_canceled', message: `prediction ${jobId} was canceled before it finished`, class: 'failed' } };
      case 'aborted':
        // A deadline passed before the prediction started: nothing ran, nothing was charged.
        return { state: 'failed', error: { code: 'prediction_aborted', message: `prediction ${jobId} was aborted before it started`, class: 'failed' } };
      default:
        // `processing`, and any status Replicate adds. Output may already be present while
        // processing (reference: file outputs in sync mode): it is not done until `succeeded`.
        return { state: 'running' };
    }
  }

  function succeeded(prediction: z.output<typeof Prediction>, jobId: string): PollResult {
    if (prediction.data_removed) {
      const message = `Replicate deleted the output of prediction ${jobId} (an hour after it ran) before it was downloaded; the next apply generates it again`;
      return { state: 'failed', error: { code: 'data_removed', message, class: 'failed' } };
    }
    const url = firstOutputUrl(prediction.output);
    if (url === undefined) {
      const message = `prediction ${jobId} succeeded without a video URL in its output (${describeShape(prediction.output)})`;
      return { state: 'failed', error: { code: 'no_output', message, class: 'failed' } };
    }
    return { state: 'completed', progress: 100, job: { jobId, url } };
  }

  const provider: Provider = {
    type: 'replicate',
    config,

    classify(error) {
      // A prompt or image refused at the door by the safety checker is a content refusal, not a bad request.
      if (error instanceof HttpError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
        // Only what Replicate said, after "… HTTP 400 from <url>": a model's name is no refusal.
        if (readsAsModeration(error.message.replace(/^.*? from \S+/, ''))) return 'moderation';
      }
      return classifyError(error);
    },

    async submit(shot, ctx) {
      const request = predictionRequest(shot.spec.model);
      const input = await predictionInput(shot, imageValue(shot.id, ctx));
      const purpose = `submit ${shot.id}`;
      const response = await http.request<unknown>({
        method: 'POST',
        url: `${config.baseUrl}${request.path}`,
        auth,
        // Never `Prefer: wait`: a video takes minutes, and a held request that times out leaves
        // a prediction whose id we never learn.
        json: request.version === undefined ? { input } : { version: request.version, input },
        // Replicate takes no idempotency key: only a refusal (429) is asked again.
        retry: 'submit',
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      const prediction = parseAnswer(Prediction, response.body, purpose, secrets);
      const getUrl = prediction.urls?.get;
      return { jobId: prediction.id, ...(getUrl ? { remote: { prediction_url: getUrl } } : {}) };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      const answer = await getJobStatus(http, { url: predictionUrl(jobId), auth, signal: ctx.signal, purpose, apiKeyEnv: config.apiKeyEnv });
      return answer === 'not_found' ? { state: 'not_found' } : pollResultFrom(answer.body, jobId, purpose);
    },

    async findSubmitted(shot, since, claimed, ctx) {
      const expected = {
        request: predictionRequest(shot.spec.model),
        input: await predictionInput(shot, expectedImageValue),
        imageNames: imageInputNames(shot.spec.model),
      };
      return findSubmittedPrediction(http, config, auth, expected, shot, since, claimed, ctx);
    },

    // Outputs live on Replicate's delivery host, which takes no key.
    download: (job, dest, ctx) => downloadSignedUrl(http, job, dest, ctx, config.downloadTimeoutMs),
  };
  return provider;
};

/** A model's output: one URI (google/veo-3.1), or an array of them, of which the first is the video. */
function firstOutputUrl(output: unknown): string | undefined {
  const first = Array.isArray(output) ? output[0] : output;
  return typeof first === 'string' && /^https?:\/\//i.test(first) ? first : undefined;
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

function describeShape(output: unknown): string {
  if (output === undefined || output === null) return 'none';
  if (Array.isArray(output)) return `an array of ${output.length}`;
  return `a ${typeof output}`;
}
