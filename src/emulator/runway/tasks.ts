/**
 * Runway's task API (reference/replicate-and-runway.md, "Runway"): `POST /v1/image_to_video`,
 * `POST /v1/text_to_video` → `{id}`, `GET /v1/tasks/{id}`, `DELETE /v1/tasks/{id}`. Auth:
 * Bearer, and every request names the API version in `X-Runway-Version`.
 *
 * Runway is concurrency-bound but queues rather than refuses: a task created while the
 * account has `maxConcurrent` tasks in flight is accepted and waits THROTTLED until one ends.
 */
import { accountOf, creditRefusal, drawJobFate, slotWaitMs } from '../admission.js';
import { jsonResponse, readJsonObject, type EmulatorResponse } from '../http-io.js';
import type { JobRecord } from '../jobs.js';
import { nearestAspectRatio } from '../ratios.js';
import type { EmulatedApi, Route, RouteContext } from '../router.js';
import { runwayError, runwayErrors, runwayInvalid } from './errors.js';
import { cancellations, RUNWAY_JOBS, taskEndsAt, taskResource, taskStatus } from './task.js';
import { validateTask, type Endpoint } from './validation.js';

/** The versions this emulator speaks (the SDK's default in v4.12.0). */
const API_VERSIONS = ['2024-11-06'];
/** Data URIs of up to 5 MB ride in the body. */
const MAX_BODY_BYTES = 12 * 1024 * 1024;

const routes: Route[] = [
  { method: 'POST', pattern: '/v1/image_to_video', faults: 'api', creates: true, handle: (ctx) => createTask(ctx, 'image_to_video') },
  { method: 'POST', pattern: '/v1/text_to_video', faults: 'api', creates: true, handle: (ctx) => createTask(ctx, 'text_to_video') },
  { method: 'GET', pattern: '/v1/tasks/:id', faults: 'api', handle: getTask },
  { method: 'DELETE', pattern: '/v1/tasks/:id', faults: 'api', handle: deleteTask },
];

export const runwayApi: EmulatedApi = {
  name: 'runway',
  jobs: RUNWAY_JOBS,
  pathPrefix: '/v1/tasks',
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: runwayErrors,
  // The reference names no request-id header for Runway.
  requestId: () => ({}),
  routes,
};

/**
 * The header is required (the SDK always sends it); what Runway answers without it is not in
 * the reference ([?]): a 400 in its error shape.
 */
function versionProblem(ctx: RouteContext): EmulatorResponse | undefined {
  const header = ctx.req.headers['x-runway-version'];
  const version = Array.isArray(header) ? header[0] : header;
  if (version === undefined || version.trim() === '') return runwayError(400, 'The X-Runway-Version header is required. Set it to 2024-11-06.');
  if (!API_VERSIONS.includes(version.trim())) return runwayError(400, `Unsupported API version '${version}'. Supported versions: ${API_VERSIONS.join(', ')}.`);
  return undefined;
}

async function createTask(ctx: RouteContext, endpoint: Endpoint): Promise<EmulatorResponse> {
  const wrongVersion = versionProblem(ctx);
  if (wrongVersion) return wrongVersion;
  const read = await readJsonObject(ctx.req, MAX_BODY_BYTES);
  if (!read.ok) {
    if (read.reason === 'invalid_json') return runwayError(400, 'The request body is not valid JSON.');
    if (read.reason === 'not_object') return runwayError(400, 'The request body must be a JSON object.');
    return runwayError(413, 'The request body is too large.');
  }
  const body = read.value;
  const checked = validateTask(endpoint, body);
  if (!checked.ok) return runwayInvalid(checked.issues);

  const outOfCredit = creditRefusal(ctx, RUNWAY_JOBS.api);
  if (outOfCredit) return outOfCredit;
  const { jobs } = ctx.env;
  const account = accountOf(ctx, RUNWAY_JOBS.api);
  const fate = drawJobFate(ctx);
  const throttled = throttledFor(ctx, account);
  const failing = jobs.createdCounts(RUNWAY_JOBS.api).failing;
  // Every third failure that is not a refusal ends CANCELLED (by the account's owner, say), so clients see that status too.
  const cancelled = fate.fails && !fate.moderated && failing % 3 === 2;
  const extra = { ...(throttled > 0 ? { throttled } : {}), ...(cancelled ? { end: 'cancelled' } : {}) };
  const job = jobs.create(
    {
      kind: RUNWAY_JOBS,
      ...fate,
      latencyMs: throttled + fate.latencyMs,
      aspectRatio: nearestAspectRatio(checked.task.ratio),
      model: checked.task.model,
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
      ownerKey: account,
      ...(checked.task.promptText !== undefined ? { prompt: checked.task.promptText } : {}),
    },
    ctx.now,
  );
  return jsonResponse(200, { id: job.id });
}

/**
 * How long a new task waits for a slot: with every in-flight task holding one until it ends,
 * a slot is free once all but `maxConcurrent - 1` of them have ended.
 */
function throttledFor(ctx: RouteContext, account: string): number {
  const ends = ctx.env.jobs
    .unfinished(RUNWAY_JOBS.api, account, ctx.now)
    .map((job) => taskEndsAt(ctx, job))
    .filter((end) => end > ctx.now);
  return slotWaitMs(ends, ctx.env.options.maxConcurrent, ctx.now);
}

function findTask(ctx: RouteContext): JobRecord | undefined {
  return ctx.env.jobs.find(ctx.params.id ?? '', RUNWAY_JOBS);
}

function getTask(ctx: RouteContext): EmulatorResponse {
  const wrongVersion = versionProblem(ctx);
  if (wrongVersion) return wrongVersion;
  const job = findTask(ctx);
  return job ? jsonResponse(200, taskResource(ctx, job)) : runwayError(404, 'Task not found.');
}

/** Cancels a task still waiting or running; deletes a finished one, which can then no longer be fetched. */
function deleteTask(ctx: RouteContext): EmulatorResponse {
  const wrongVersion = versionProblem(ctx);
  if (wrongVersion) return wrongVersion;
  const job = findTask(ctx);
  if (!job) return runwayError(404, 'Task not found.');
  const { status } = taskStatus(ctx, job);
  if (status === 'THROTTLED' || status === 'PENDING' || status === 'RUNNING') cancellations.set(ctx.env.jobs, job.id, ctx.now);
  else ctx.env.jobs.delete(job.id);
  return { status: 204, headers: {}, body: Buffer.alloc(0) };
}
