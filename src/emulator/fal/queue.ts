import { accountOf, creditRefusal, drawJobFate, slotWaitMs } from '../admission.js';
import { jsonResponse, readJsonObject, type EmulatorResponse } from '../http-io.js';
import type { JobRecord } from '../jobs.js';
import { emulatorVideoFor } from '../mp4.js';
import { nearestAspectRatio } from '../ratios.js';
import type { Route, RouteContext } from '../router.js';
import { cdnFileExists, cdnVideoUrl } from './cdn.js';
import { checkInput } from './endpoints.js';
import { falDetail, falInfraError, falModelError } from './errors.js';
import { FAL_JOBS, outcomeOf, problemsOf, queueMsOf, requestExtra, requestPhase, resultExpired, type FalOutcome } from './requests.js';

/**
 * fal's queue (reference/fal-queue.md), under /fal/queue for queue.fal.run. Submit goes to
 * the full model id; status, result and cancel are answered only under the app root
 * (owner/app), at the URLs the submission hands out, so a client that builds them from the
 * full model id gets a 404, as the document warns. There is no FAILED status: every request
 * ends COMPLETED, and a failed one shows its error only when its result is fetched.
 *
 * Concurrency: per key, `maxConcurrent` requests run at once and the rest wait IN_QUEUE, as
 * fal queues excess rather than refusing it. The wait is computed when the request is
 * created (when enough of the key's earlier requests will have ended) and written into its
 * id with the rest of its fate, so any emulator process answers alike.
 */

export const FAL_QUEUE_PATH = '/fal/queue';

/** Room for data: URIs of reference images in the JSON body. */
const MAX_BODY_BYTES = 48 * 1024 * 1024;
/** Model ids have 2 (`fal-ai/veo3.1`) to 6 (`fal-ai/kling-video/v3/pro/image-to-video`) segments. */
const MAX_MODEL_SEGMENTS = 6;

const submitRoutes: Route[] = Array.from({ length: MAX_MODEL_SEGMENTS - 1 }, (_, extra) => ({
  method: 'POST' as const,
  pattern: [FAL_QUEUE_PATH, ':owner', ':app', ...Array.from({ length: extra }, (_, i) => `:p${i + 1}`)].join('/'),
  faults: 'api' as const,
  creates: true,
  handle: submit,
}));

export const queueRoutes: readonly Route[] = [
  ...submitRoutes,
  { method: 'GET', pattern: `${FAL_QUEUE_PATH}/:owner/:app/requests/:id/status`, faults: 'api', handle: status },
  { method: 'GET', pattern: `${FAL_QUEUE_PATH}/:owner/:app/requests/:id`, faults: 'api', handle: result },
  { method: 'PUT', pattern: `${FAL_QUEUE_PATH}/:owner/:app/requests/:id/cancel`, faults: 'api', handle: cancel },
];

function endpointOf(params: Record<string, string>): string {
  return [params.owner, params.app, params.p1, params.p2, params.p3, params.p4].filter((part) => part !== undefined).join('/');
}

async function submit(ctx: RouteContext): Promise<EmulatorResponse> {
  const endpoint = endpointOf(ctx.params);
  const read = await readJsonObject(ctx.req, MAX_BODY_BYTES);
  if (!read.ok) {
    if (read.reason === 'invalid_json') return falModelError(422, [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }], false);
    if (read.reason === 'not_object') return falModelError(422, [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }], false);
    return falDetail(413, 'Request body too large');
  }
  const body = read.value;
  // Invalid input is not refused at the door: the request is queued and ends COMPLETED with
  // the app's validation error in its result (reference/fal-queue.md, "Status").
  const outOfCredit = creditRefusal(ctx, FAL_JOBS.api);
  if (outOfCredit) return outOfCredit;
  const problems = checkInput(endpoint, body, (url) => cdnFileExists(ctx, url));
  const fate = drawJobFate(ctx);
  // Failures alternate between the runner's (infrastructure) and the model's own.
  const failing = ctx.env.jobs.createdCounts(FAL_JOBS.api).failing;
  const outcome: FalOutcome =
    problems.length > 0 ? 'invalid' : fate.moderated ? 'moderated' : !fate.fails ? 'ok' : failing % 2 === 0 ? 'runner' : 'model';

  const account = accountOf(ctx, FAL_JOBS.api);
  // Requests not yet ended hold the account's slots (a cancelled one is gone from the list): this
  // one starts when enough of them end.
  const ends = ctx.env.jobs.unfinished(FAL_JOBS.api, account, ctx.now).map((job) => job.facts.createdAt + job.facts.latencyMs);
  const queueMs = slotWaitMs(ends, ctx.env.options.maxConcurrent, ctx.now);
  if (queueMs > 0) ctx.env.stats.countFault('concurrencyLimited');

  const ratio = typeof body.aspect_ratio === 'string' && body.aspect_ratio !== 'auto' ? body.aspect_ratio : undefined;
  const job = ctx.env.jobs.create(
    {
      kind: FAL_JOBS,
      latencyMs: queueMs + fate.latencyMs,
      fails: outcome !== 'ok',
      moderated: outcome === 'moderated',
      extra: requestExtra(queueMs, outcome, problems),
      aspectRatio: nearestAspectRatio(ratio),
      model: endpoint,
      ownerKey: account,
      ...(typeof body.prompt === 'string' ? { prompt: body.prompt } : {}),
      input: body,
    },
    ctx.now,
  );
  return jsonResponse(200, { request_id: job.id, status: 'IN_QUEUE', queue_position: queuePosition(ctx, job), ...requestUrls(ctx, job.id) });
}

function status(ctx: RouteContext): EmulatorResponse {
  const job = findRequest(ctx);
  if (!job) return falDetail(404, 'Request not found');
  const phase = requestPhase(job.facts, ctx.now);
  const answer: Record<string, unknown> = { status: phase, request_id: job.id, response_url: requestUrls(ctx, job.id).response_url };
  if (phase === 'IN_QUEUE') answer.queue_position = queuePosition(ctx, job);
  if (ctx.url.searchParams.get('logs') === '1') answer.logs = logsOf(job, phase);
  if (phase !== 'COMPLETED') return jsonResponse(202, answer);
  answer.metrics = { inference_time: Math.round(job.facts.latencyMs - queueMsOf(job.facts)) / 1000 };
  return jsonResponse(200, answer);
}

function result(ctx: RouteContext): EmulatorResponse {
  const job = findRequest(ctx);
  if (!job) return falDetail(404, 'Request not found');
  if (requestPhase(job.facts, ctx.now) !== 'COMPLETED') return falDetail(400, 'Request is still in progress');
  // Kept 6 minutes by default (resultTtlMs): a client that does not fetch at once loses it.
  if (resultExpired(job.facts, ctx.now, ctx.env.options.resultTtlMs)) return falDetail(404, 'Request result is no longer available');
  switch (outcomeOf(job.facts)) {
    case 'moderated':
      return falModelError(422, [{ loc: ['body', 'prompt'], msg: 'The content was flagged by a content checker.', type: 'content_policy_violation' }], false);
    case 'runner':
      // An infrastructure failure: not charged, worth another try.
      return falInfraError(500, 'runner_server_error', 'The runner failed while processing the request (emulated failure).');
    case 'model':
      // The document names only content_policy_violation; this type name is the emulator's own.
      return falModelError(422, [{ loc: ['body'], msg: 'The model produced no video (emulated failure).', type: 'generation_failed' }], true);
    case 'invalid':
      return falModelError(422, problemsOf(job.facts), false);
    default: {
      const url = cdnVideoUrl(ctx.origin, job.id);
      const size = emulatorVideoFor(job.facts.aspectRatio, job.id, ctx.env.options.videoBytes).size;
      return jsonResponse(200, { video: { url, content_type: 'video/mp4', file_name: 'output.mp4', file_size: size } });
    }
  }
}

/** Queued requests are removed; running ones get a signal, and the emulator's apps stop. HTTP codes are not documented. */
function cancel(ctx: RouteContext): EmulatorResponse {
  const job = findRequest(ctx);
  if (!job) return jsonResponse(404, { status: 'NOT_FOUND' });
  if (requestPhase(job.facts, ctx.now) === 'COMPLETED') return jsonResponse(400, { status: 'ALREADY_COMPLETED' });
  ctx.env.jobs.delete(job.id);
  return jsonResponse(202, { status: 'CANCELLATION_REQUESTED' });
}

/** The request, if its id is one of ours and the path names its app root. */
function findRequest(ctx: RouteContext): JobRecord | undefined {
  const job = ctx.env.jobs.find(ctx.params.id ?? '', FAL_JOBS);
  if (!job?.facts.model) return undefined;
  const root = job.facts.model.split('/').slice(0, 2).join('/');
  return root === `${ctx.params.owner}/${ctx.params.app}` ? job : undefined;
}

function requestUrls(ctx: RouteContext, id: string): { status_url: string; response_url: string; cancel_url: string } {
  const { owner = '', app = '' } = ctx.params;
  const request = `${ctx.origin}${FAL_QUEUE_PATH}/${owner}/${app}/requests/${encodeURIComponent(id)}`;
  return { response_url: request, status_url: `${request}/status`, cancel_url: `${request}/cancel` };
}

/** Requests ahead of this one: this key's requests, made earlier, still waiting. */
function queuePosition(ctx: RouteContext, job: JobRecord): number {
  if (!job.ownerKey) return 0;
  // Ahead in line: made before it (the list keeps creation order; two requests of the same
  // millisecond are still one behind the other) and not started yet, so not ended either.
  const requests = ctx.env.jobs.unfinished(FAL_JOBS.api, job.ownerKey, ctx.now);
  const index = requests.findIndex((other) => other.id === job.id);
  // A request of an earlier emulator process (its id carries its facts) is not in the list.
  const ahead = index >= 0 ? requests.slice(0, index) : requests.filter((other) => other.facts.createdAt < job.facts.createdAt);
  return ahead.filter((other) => requestPhase(other.facts, ctx.now) === 'IN_QUEUE').length;
}

function logsOf(job: JobRecord, phase: string): Array<Record<string, string>> {
  if (phase === 'IN_QUEUE') return [];
  const at = (ms: number) => new Date(ms).toISOString();
  const started = job.facts.createdAt + queueMsOf(job.facts);
  const logs = [{ message: 'sampling', level: 'INFO', source: 'USER', timestamp: at(started) }];
  if (phase === 'COMPLETED') logs.push({ message: 'done', level: 'INFO', source: 'USER', timestamp: at(job.facts.createdAt + job.facts.latencyMs) });
  return logs;
}

