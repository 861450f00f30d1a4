/**
 * Runway tasks (reference/replicate-and-runway.md, "Runway"): create a task, poll
 * `GET /v1/tasks/{id}`, download its output URL, which expires within a day or two and is
 * signed afresh by polling the task again (the executor does so once on a 403 or 404).
 *
 * Local images go inline as data URIs rather than through Runway's ephemeral uploads: one
 * request instead of three, nothing that expires between a crash and the next apply, and the
 * 5 MB cap is checked at validate time (imageLimit). Larger images can be given as https URLs.
 */
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { ImageSource, Shot } from '../../manifest/types.js';
import { classifyError, jobFailureClass } from '../classify.js';
import { readLocalImage, toDataUrl } from '../images.js';
import { downloadSignedUrl, getJobStatus } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { parseAnswer, progressFrom } from '../response.js';
import type { PollResult, Provider, ProviderFactory } from '../types.js';
import { runwayModule, runwayVersionOf } from './index.js';
import { knownRunwayModel } from './models.js';

const optionalString = z.string().nullish().catch(undefined);

const CreateAnswer = z.object({ id: z.string().min(1) });

const Task = z.object({
  status: z.string(),
  progress: z.unknown().optional(),
  output: z.array(z.unknown()).nullish().catch(undefined),
  failure: optionalString,
  failureCode: optionalString,
});

/**
 * How Runway says the account cannot pay. Its error bodies are `{"error": "…"}` with no code
 * (reference "Errors"), and out-of-credit is not among the documented statuses: its words decide.
 */
const OUT_OF_CREDIT = /enough credits|insufficient credit|out of credits/i;

export const createRunwayProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(runwayModule.auth, apiKey);
  // Not a credential, so a plain header: it is the same for every request to this entry.
  const headers = { 'X-Runway-Version': runwayVersionOf(config) };
  const taskUrl = (id: string): string => `${config.baseUrl}/v1/tasks/${encodeURIComponent(id)}`;

  async function imageUri(image: ImageSource): Promise<string> {
    return image.kind === 'url' ? image.url : toDataUrl(await readLocalImage(image));
  }

  async function createBody(shot: Shot): Promise<Record<string, unknown>> {
    const { spec } = shot;
    const body: Record<string, unknown> = { ...spec.options, model: spec.model, promptText: spec.prompt };
    if (shot.referenceImage) {
      const first = await imageUri(shot.referenceImage);
      body.promptImage = shot.tailImage
        ? [
            { uri: first, position: 'first' },
            { uri: await imageUri(shot.tailImage), position: 'last' },
          ]
        : first;
    }
    if (typeof spec.ratio === 'string') body.ratio = spec.ratio;
    if (spec.duration !== undefined) body.duration = spec.duration;
    const resolutionValues = knownRunwayModel(spec.model)?.resolutionValues;
    if (typeof spec.resolution === 'string' && resolutionValues) body.resolution = resolutionValues[spec.resolution] ?? spec.resolution;
    if (spec.audio !== undefined) body.audio = spec.audio;
    if (spec.seed !== undefined) body.seed = spec.seed;
    return body;
  }

  function pollResultFrom(body: unknown, jobId: string, purpose: string): PollResult {
    const task = parseAnswer(Task, body, purpose, secrets);
    switch (task.status) {
      case 'PENDING':
      case 'THROTTLED':
        // THROTTLED: accepted, waiting for one of the account's concurrency slots.
        return { state: 'queued' };
      case 'SUCCEEDED': {
        const url = task.output?.find((item): item is string => typeof item === 'string' && /^https?:\/\//i.test(item));
        if (url === undefined) {
          return { state: 'failed', error: { code: 'no_output', message: `task ${jobId} succeeded without an output URL`, class: 'failed' } };
        }
        return { state: 'completed', progress: 100, job: { jobId, url } };
      }
      case 'FAILED': {
        // SAFETY.INPUT.* and SAFETY.OUTPUT.* are content refusals; INTERNAL.BAD_OUTPUT.* and the rest are worth another try.
        const code = task.failureCode ?? 'task_failed';
        return { state: 'failed', error: { code, message: task.failure ?? 'Runway reported the task failed without a reason', class: jobFailureClass(code) } };
      }
      case 'CANCELLED':
        return { state: 'failed', error: { code: 'task_cancelled', message: `task ${jobId} was cancelled before it finished`, class: 'failed' } };
      default: {
        // RUNNING, and any status Runway adds. `progress` is 0–1 (its range is not documented: a
        // value above 1 is taken as a percentage already).
        const raw = typeof task.progress === 'number' ? (task.progress <= 1 ? task.progress * 100 : task.progress) : undefined;
        const progress = progressFrom(raw);
        return progress === undefined ? { state: 'running' } : { state: 'running', progress: Math.round(progress) };
      }
    }
  }

  const provider: Provider = {
    type: 'runway',
    config,

    classify(error) {
      if (error instanceof HttpError && error.status === 400 && OUT_OF_CREDIT.test(error.message)) return 'quota';
      return classifyError(error);
    },

    async submit(shot, ctx) {
      const endpoint = shot.referenceImage ? 'image_to_video' : 'text_to_video';
      const purpose = `submit ${shot.id}`;
      const response = await http.request<unknown>({
        method: 'POST',
        url: `${config.baseUrl}/v1/${endpoint}`,
        headers,
        auth,
        json: await createBody(shot),
        // The SDK retries POSTs by itself and can start a second billed task; videogen asks
        // again only where Runway created nothing (429, 503 with Retry-After).
        retry: 'submit',
        signal: ctx.signal,
        ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
        purpose,
        apiKeyEnv: config.apiKeyEnv,
      });
      return { jobId: parseAnswer(CreateAnswer, response.body, purpose, secrets).id };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      // A deleted task cannot be fetched again (404); how long others stay fetchable is not documented.
      const answer = await getJobStatus(http, { url: taskUrl(jobId), headers, auth, signal: ctx.signal, purpose, apiKeyEnv: config.apiKeyEnv });
      return answer === 'not_found' ? { state: 'not_found' } : pollResultFrom(answer.body, jobId, purpose);
    },

    // A signed URL on Runway's storage, which takes no key.
    download: (job, dest, ctx) => downloadSignedUrl(http, job, dest, ctx, config.downloadTimeoutMs),
  };
  return provider;
};
