/**
 * OpenRouter's async video API (reference/openrouter-videos.md): submit a JSON job (202), poll
 * its `polling_url`, download `GET /videos/{id}/content?index=0` with the same Bearer key, and
 * report `usage.cost`. `config.baseUrl` includes the `/api/v1`.
 *
 * No list endpoint and no idempotency key (§1, §2): there is no findSubmitted, and a repeated
 * POST is a second, billed job, so submissions use the HTTP client's `submit` retry mode.
 */
import { HttpError } from '../../http/errors.js';
import type { LockRemote } from '../../lock/types.js';
import { urlUnderBase } from '../api-urls.js';
import { downloadFromApi, getJobStatus } from '../job-requests.js';
import { authHeaders } from '../module.js';
import { parseAnswer } from '../response.js';
import type { Provider, ProviderFactory } from '../types.js';
import { SubmitAnswer, classifyOpenRouterError, pollResultFrom } from './answers.js';
import { openRouterModule } from './index.js';
import { createVideoBody } from './request.js';

/**
 * A 403 to a submission is OpenRouter's moderation/guardrail refusal (§8), which the HTTP
 * layer, knowing no API, reads as a key problem. Its envelope's code is only the status, so
 * the refusal is named here, for the hint and for classify (providers/classify.ts reads
 * providerCode); a 403 to a poll or a download stays what it looks like.
 */
function explainedSubmitError(error: unknown): unknown {
  if (!(error instanceof HttpError) || error.status !== 403) return error;
  return new HttpError(error.kind, error.message, {
    status: error.status,
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    providerCode: error.providerCode ?? 'moderation',
    hint: 'OpenRouter refused the input on content policy (moderation or a guardrail): change the prompt or images',
    cause: error,
  });
}

export const createOpenRouterProvider: ProviderFactory = (config, deps) => {
  const { http, apiKey } = deps;
  http.addSecret(apiKey);
  const secrets = [apiKey];
  const auth = authHeaders(openRouterModule.auth, apiKey);
  const jobUrl = (jobId: string): string => `${config.baseUrl}/videos/${encodeURIComponent(jobId)}`;
  /** Polling URLs of the jobs this process submitted; a resumed job polls the documented path. */
  const pollingUrls = new Map<string, string>();
  /** The lock's `remote` of this process's jobs, so the completed entry keeps them. */
  const remotes = new Map<string, LockRemote>();

  const provider: Provider = {
    type: 'openrouter',
    config,
    classify: classifyOpenRouterError,

    async submit(shot, ctx) {
      const json = await createVideoBody(shot);
      const purpose = `submit ${shot.id}`;
      let body: unknown;
      try {
        const response = await http.request<unknown>({
          method: 'POST',
          url: `${config.baseUrl}/videos`,
          auth,
          json,
          retry: 'submit',
          signal: ctx.signal,
          ...(ctx.retryWaitSignal ? { retryWaitSignal: ctx.retryWaitSignal } : {}),
          purpose,
          apiKeyEnv: config.apiKeyEnv,
        });
        body = response.body;
      } catch (error) {
        throw explainedSubmitError(error);
      }
      const answer = parseAnswer(SubmitAnswer, body, purpose, secrets);
      const remote: LockRemote = {};
      // Recorded as given (relative or absolute), resolved only to be used.
      if (answer.polling_url) remote.polling_url = answer.polling_url;
      if (answer.generation_id) remote.generation_id = answer.generation_id;
      // A polling URL elsewhere than base_url would take the key there: poll the documented path instead.
      const pollingUrl = urlUnderBase(answer.polling_url, config.baseUrl);
      if (pollingUrl) pollingUrls.set(answer.id, pollingUrl);
      remotes.set(answer.id, remote);
      return { jobId: answer.id, ...(Object.keys(remote).length > 0 ? { remote } : {}) };
    },

    async poll(jobId, ctx) {
      const purpose = `poll ${jobId}`;
      const url = pollingUrls.get(jobId) ?? jobUrl(jobId);
      // 404 is the spec's answer for a job it does not know (§3, §8).
      const response = await getJobStatus(http, { url, auth, signal: ctx.signal, purpose, apiKeyEnv: config.apiKeyEnv });
      if (response === 'not_found') return { state: 'not_found' };
      // unsigned_urls point back at the content endpoint, which wants the key (§4): only under base_url.
      const contentUrl = (unsigned: string | undefined): string => urlUnderBase(unsigned, config.baseUrl) ?? `${jobUrl(jobId)}/content?index=0`;
      return pollResultFrom(response.body, jobId, remotes.get(jobId) ?? {}, contentUrl, purpose, secrets);
    },

    download(job, dest, ctx) {
      return downloadFromApi(http, config, auth, job, dest, ctx);
    },
  };
  return provider;
};
