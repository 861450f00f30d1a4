/**
 * Veo on Vertex AI (reference/vertex-veo.md): `POST …/models/{model}:predictLongRunning`
 * answers with an operation name, the job id, kept whole; `POST …:fetchPredictOperation`
 * says how it is doing; the video is in Cloud Storage (with `storage_uri`), read through the
 * JSON API with the same token, or inline as base64 in the operation itself, which is
 * decoded as a stream and never held (src/http/inline-video.ts).
 *
 * No idempotency key and no documented list of operations: a submission is retried only where
 * no job can exist (`retry: 'submit'`), and there is no findSubmitted.
 */
import { z } from 'zod';
import { VideogenError } from '../../errors.js';
import { HttpError } from '../../http/errors.js';
import type { JsonPath } from '../../http/types.js';
import type { ImageSource, Shot } from '../../manifest/types.js';
import { classifyError } from '../classify.js';
import { readLocalImage } from '../images.js';
import { authHeaders, findModel } from '../module.js';
import { badResponse, parseAnswer } from '../response.js';
import type { CallContext, PollResult, Provider, ProviderFactory } from '../types.js';
import { DEFAULT_STORAGE_URL, locationOf, projectOf, storagePrefixOf, vertexVeoModule } from './index.js';
import { VERTEX_REFUSAL, operationOutcome } from './operation.js';
import { accessTokens } from './tokens.js';

/** Where `fetchPredictOperation` puts a video that was not written to Cloud Storage. */
const INLINE_VIDEO: JsonPath = ['response', 'videos', '*', 'bytesBase64Encoded'];

const SubmitAnswer = z.object({ name: z.string().includes('/operations/') });

/** The model path an operation belongs to, cut at `/operations/` as Google's SDKs do. */
export function modelPathOf(operationName: string): string | undefined {
  const at = operationName.indexOf('/operations/');
  return at > 0 ? operationName.slice(0, at) : undefined;
}

/** `gs://bucket/object` → the JSON API's media URL for it. */
export function mediaUrlOf(gcsUri: string, storageUrl: string): string | undefined {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(gcsUri);
  if (!match) return undefined;
  return `${storageUrl}/b/${encodeURIComponent(match[1]!)}/o/${encodeURIComponent(match[2]!)}?alt=media`;
}

async function inlineImage(image: ImageSource, field: string): Promise<{ bytesBase64Encoded: string; mimeType: string }> {
  if (image.kind === 'url') {
    // validate refuses these; a lock or plan file written by hand could still carry one.
    throw new VideogenError('VIDEOGEN_PROVIDER_UNSUPPORTED', `vertex-veo cannot send ${field} as an https URL`, {
      hint: 'download the image into the manifest folder and give its path',
    });
  }
  const local = await readLocalImage(image);
  return { bytesBase64Encoded: local.bytes.toString('base64'), mimeType: local.mime };
}

export const createVertexVeoProvider: ProviderFactory = (config, deps) => {
  const { http } = deps;
  const tokens = accessTokens(deps.apiKey, config.apiKeyEnv, projectOf(config), http);
  // An emulated entry has it pointed at the emulator (the module's emulatorSettings).
  const storageUrl = typeof config.settings.storage_url === 'string' ? config.settings.storage_url.replace(/\/+$/, '') : DEFAULT_STORAGE_URL;
  const modelPath = (model: string): string =>
    `projects/${encodeURIComponent(projectOf(config))}/locations/${encodeURIComponent(locationOf(config))}/publishers/google/models/${encodeURIComponent(model)}`;

  async function auth(): Promise<Record<string, string>> {
    return authHeaders(vertexVeoModule.auth, await tokens.token());
  }

  /** The poll URL and body of a job; an id that is not an operation name was never ours. */
  function fetchRequest(jobId: string): { url: string; json: { operationName: string } } {
    const path = modelPathOf(jobId);
    if (!path) throw badResponse(`poll ${jobId}`, 'the job id is not a Vertex operation name (…/operations/…)');
    return { url: `${config.baseUrl}/${path}:fetchPredictOperation`, json: { operationName: jobId } };
  }

  async function requestBody(shot: Shot): Promise<Record<string, unknown>> {
    const { spec } = shot;
    const instance: Record<string, unknown> = { prompt: spec.prompt };
    if (shot.referenceImage) instance.image = await inlineImage(shot.referenceImage, 'reference_image');
    if (shot.tailImage) instance.lastFrame = await inlineImage(shot.tailImage, 'tail_image');
    const parameters: Record<string, unknown> = { ...spec.options };
    parameters.aspectRatio = spec.aspect_ratio;
    parameters.durationSeconds = spec.duration;
    parameters.resolution = spec.resolution;
    parameters.sampleCount = 1;
    if (spec.audio !== undefined) parameters.generateAudio = spec.audio;
    if (spec.seed !== undefined) parameters.seed = spec.seed;
    // A folder per shot: Vertex adds one per operation below it, so a video whose operation
    // name was lost can still be found by hand.
    const prefix = storagePrefixOf(config);
    if (prefix !== undefined) parameters.storageUri = `${prefix}${shot.id}/`;
    return { instances: [instance], parameters };
  }

  /** Better words for what Vertex's 4xx answers usually mean. */
  function explained(error: unknown, model: string): unknown {
    if (!(error instanceof HttpError) || error.status === undefined) return error;
    let hint: string | undefined;
    if (error.status === 404) {
      const retired = findModel(vertexVeoModule, model)?.retired;
      hint = retired
        ? `${model} was retired on ${retired.since}${retired.replacement ? `: use ${retired.replacement}` : ''}`
        : `check \`model\`, \`project\` and \`location\` (${locationOf(config)}): Veo is not served in every location`;
    } else if (error.status === 401) {
      hint = tokens.variable
        ? `the token in $${tokens.variable} was refused; tokens from gcloud auth print-access-token last about an hour`
        : 'the access token from the application default credentials was refused';
    } else if (error.status === 403) {
      hint = /\bbilling\b/i.test(error.message)
        ? `enable billing on project ${projectOf(config)}, then rerun apply (finished shots are kept)`
        : `the credentials need the Vertex AI User role on project ${projectOf(config)}, with the Vertex AI API enabled there`;
    }
    if (hint === undefined) return error;
    return new HttpError(error.kind, error.message, {
      status: error.status,
      hint,
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
    });
  }

  function common(ctx: CallContext, purpose: string) {
    return {
      signal: ctx.signal,
      purpose,
      // Named only when the token came from it: an ADC token has nothing to do with the variable.
      ...(tokens.variable ? { apiKeyEnv: tokens.variable } : {}),
    };
  }

  const provider: Provider = {
    type: 'vertex-veo',
    config,

    classify(error) {
      if (error instanceof HttpError) {
        // Google has no 402: a project that cannot pay is refused with 403 "billing".
        if (error.status === 403 && /\bbilling\b/i.test(error.message)) return 'quota';
        if (error.status === 400 && VERTEX_REFUSAL.test(error.message)) return 'moderation';
      }
      return classifyError(error);
    },

    async submit(shot, ctx) {
      const purpose = `submit ${shot.id}`;
      const json = await requestBody(shot);
      // Outside the try: a credentials error already says what to do.
      const headers = await auth();
      try {
        const response = await http.request<unknown>({
          method: 'POST',
          url: `${config.baseUrl}/${modelPath(shot.spec.model)}:predictLongRunning`,
          auth: headers,
          json,
          retry: 'submit',
          ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
          ...common(ctx, purpose),
        });
        return { jobId: parseAnswer(SubmitAnswer, response.body, purpose, tokens.seen()).name };
      } catch (error) {
        throw explained(error, shot.spec.model);
      }
    },

    async poll(jobId, ctx): Promise<PollResult> {
      const purpose = `poll ${jobId}`;
      const request = fetchRequest(jobId);
      const headers = await auth();
      let response;
      try {
        response = await http.request<unknown>({
          method: 'POST',
          ...request,
          auth: headers,
          retry: 'idempotent',
          stopAtInlineVideo: INLINE_VIDEO,
          ...common(ctx, purpose),
        });
      } catch (error) {
        // Vertex's answer for an operation it does not know (or no longer keeps).
        if (error instanceof HttpError && error.status === 404) return { state: 'not_found' };
        // …/models/{model}/operations/{id}
        throw explained(error, jobId.split('/').at(-3) ?? '');
      }
      if (response.inlineVideo) return { state: 'completed', progress: 100, job: { jobId, url: '' } };
      const outcome = operationOutcome(response.body);
      switch (outcome.state) {
        case 'malformed':
          throw badResponse(purpose, outcome.problem, response.body, tokens.seen());
        case 'running':
          return outcome.progress === undefined ? { state: 'running' } : { state: 'running', progress: outcome.progress };
        case 'failed':
          return { state: 'failed', error: outcome.error };
        case 'stored': {
          const url = mediaUrlOf(outcome.gcsUri, storageUrl);
          if (!url) throw badResponse(purpose, `gcsUri is not a gs://bucket/object URI`, response.body, tokens.seen());
          const remote = { gcs_uri: outcome.gcsUri };
          return { state: 'completed', progress: 100, job: { jobId, url, remote }, remote };
        }
      }
    },

    async download(job, dest, ctx) {
      const purpose = `download ${job.jobId}`;
      const target = {
        dest,
        maxBytes: ctx.maxBytes,
        timeoutMs: config.downloadTimeoutMs,
        signal: ctx.signal,
        purpose,
        ...(tokens.variable ? { apiKeyEnv: tokens.variable } : {}),
        ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      };
      // Inline: the operation is fetched again and its video decoded straight into the file.
      if (job.url === '') return http.download({ ...fetchRequest(job.jobId), inlineVideoAt: INLINE_VIDEO, auth: await auth(), ...target });
      // Cloud Storage takes the same token; the HTTP layer never lets it follow a redirect elsewhere.
      return http.download({ url: job.url, auth: await auth(), ...target });
    },
  };
  return provider;
};
