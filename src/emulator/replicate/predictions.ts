/**
 * Replicate's predictions under /v1 (reference/replicate-and-runway.md, "Replicate"): create on
 * an official model or a version, get, list (newest first, `created_after`/`created_before`,
 * paged by a `next` URL), cancel. `Prefer: wait` is honoured as Replicate honours it, though a
 * client that sends it for video is wrong. Auth: Bearer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { jsonResponse, readJsonObject, type EmulatorResponse } from '../http-io.js';
import { decodeJobId } from '../job-id.js';
import type { JobRecord } from '../jobs.js';
import { nearestAspectRatio } from '../ratios.js';
import type { Route, RouteContext } from '../router.js';
import { replicateError, replicateInvalid, replicateNotFound } from './errors.js';
import { fileLookup } from './files.js';
import { cancellations, predictionInputs, predictionResource, predictionState, REPLICATE_JOBS, type FailureEnd } from './prediction.js';
import { checkInput, OFFICIAL_MODELS, VERSION_ID } from './validation.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const PAGE_SIZE = 100;
/** `Prefer: wait` holds a request at most this long (the reference: 60 s by default). */
const MAX_WAIT_SECONDS = 60;
/** Failing jobs that are not refusals end these ways in turn, so every terminal status is seen. */
const FAILURE_ENDS: readonly FailureEnd[] = ['failed', 'canceled', 'aborted'];

export const predictionRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/models/:owner/:name/predictions', faults: 'api', creates: true, handle: createOnModel },
  { method: 'POST', pattern: '/v1/predictions', faults: 'api', creates: true, handle: createOnVersion },
  { method: 'GET', pattern: '/v1/predictions', faults: 'api', handle: listPredictions },
  { method: 'GET', pattern: '/v1/predictions/:id', faults: 'api', handle: getPrediction },
  { method: 'POST', pattern: '/v1/predictions/:id/cancel', faults: 'api', handle: cancelPrediction },
];

async function createOnModel(ctx: RouteContext): Promise<EmulatorResponse> {
  const model = `${ctx.params.owner ?? ''}/${ctx.params.name ?? ''}`;
  const official = OFFICIAL_MODELS[model];
  // Only official models take predictions by name; any other model is run by version.
  if (!official) return replicateNotFound();
  const body = await readJson(ctx);
  if ('response' in body) return body.response;
  if (body.value.version !== undefined) return replicateInvalid([{ field: 'version', description: 'an official model takes no version' }]);
  const problems = checkInput(body.value.input, official, fileLookup(ctx));
  if (problems.length > 0) return replicateInvalid(problems);
  return create(ctx, body.value.input as Record<string, unknown>, { model });
}

async function createOnVersion(ctx: RouteContext): Promise<EmulatorResponse> {
  const body = await readJson(ctx);
  if ('response' in body) return body.response;
  const version = body.value.version;
  if (typeof version !== 'string' || !VERSION_ID.test(version)) {
    return replicateInvalid([{ field: 'version', description: 'Invalid version or not permitted' }]);
  }
  const problems = checkInput(body.value.input, undefined, fileLookup(ctx));
  if (problems.length > 0) return replicateInvalid(problems);
  return create(ctx, body.value.input as Record<string, unknown>, { version });
}

async function create(ctx: RouteContext, input: Record<string, unknown>, target: { model: string } | { version: string }): Promise<EmulatorResponse> {
  const admission = admitJob(ctx, REPLICATE_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return replicateError(429, `Request was throttled. Your rate limit resets in ~${admission.retryAfterSeconds}s.`, {}, {
      'retry-after': String(admission.retryAfterSeconds),
    });
  }
  const fate = drawJobFate(ctx);
  const counts = ctx.env.jobs.createdCounts(REPLICATE_JOBS.api);
  const end = fate.fails && !fate.moderated ? FAILURE_ENDS[counts.failing % FAILURE_ENDS.length] : undefined;
  const extra = { ...('version' in target ? { v: target.version } : {}), ...(end && end !== 'failed' ? { end } : {}) };
  const job = ctx.env.jobs.create(
    {
      kind: REPLICATE_JOBS,
      ...fate,
      aspectRatio: nearestAspectRatio(typeof input.aspect_ratio === 'string' ? input.aspect_ratio : undefined),
      ...('model' in target ? { model: target.model } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
      ownerKey: accountOf(ctx, REPLICATE_JOBS.api),
      ...(typeof input.prompt === 'string' ? { prompt: input.prompt } : {}),
    },
    ctx.now,
  );
  predictionInputs.set(ctx.env.jobs, job.id, input);
  const waitSeconds = preferWait(ctx);
  if (waitSeconds !== undefined) await holdUntilDone(ctx, job, waitSeconds);
  const resource = predictionResource({ ...ctx, now: Date.now() }, job);
  const done = resource.completed_at !== null;
  return jsonResponse(201, resource, done || waitSeconds === undefined ? {} : { location: String((resource.urls as { get: string }).get) });
}

/** `Prefer: wait` (60 s) or `Prefer: wait=n`. */
function preferWait(ctx: RouteContext): number | undefined {
  const header = ctx.req.headers.prefer;
  const value = (Array.isArray(header) ? header.join(',') : header) ?? '';
  const match = /(?:^|[,;\s])wait(?:\s*=\s*(\d+))?/i.exec(value);
  if (!match) return undefined;
  return Math.min(MAX_WAIT_SECONDS, match[1] === undefined ? MAX_WAIT_SECONDS : Number(match[1]));
}

async function holdUntilDone(ctx: RouteContext, job: JobRecord, seconds: number): Promise<void> {
  const until = ctx.now + seconds * 1000;
  const endsAt = job.facts.createdAt + job.facts.latencyMs;
  const wait = Math.min(until, endsAt) - Date.now();
  if (wait > 0) await sleep(wait);
}

function getPrediction(ctx: RouteContext): EmulatorResponse {
  const job = ctx.env.jobs.find(ctx.params.id ?? '', REPLICATE_JOBS);
  return job ? jsonResponse(200, predictionResource(ctx, job)) : replicateNotFound();
}

/** A finished prediction keeps its status; a running one is canceled from now. */
function cancelPrediction(ctx: RouteContext): EmulatorResponse {
  const job = ctx.env.jobs.find(ctx.params.id ?? '', REPLICATE_JOBS);
  if (!job) return replicateNotFound();
  if (predictionState(ctx, job).endedAt === undefined) cancellations.set(ctx.env.jobs, job.id, ctx.now);
  return jsonResponse(200, predictionResource(ctx, job));
}

function listPredictions(ctx: RouteContext): EmulatorResponse {
  const query = ctx.url.searchParams;
  const bounds: Record<'created_after' | 'created_before', number | undefined> = { created_after: undefined, created_before: undefined };
  for (const name of ['created_after', 'created_before'] as const) {
    const text = query.get(name);
    if (text === null) continue;
    const ms = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) return replicateError(400, `${name} must be an ISO 8601 date-time`);
    bounds[name] = ms;
  }
  // Newest first; predictions created in the same millisecond keep the order they were made in.
  const newestFirst = ctx.env.jobs
    .list(REPLICATE_JOBS.api, accountOf(ctx, REPLICATE_JOBS.api))
    .filter((job) => (bounds.created_after === undefined || job.facts.createdAt > bounds.created_after) && (bounds.created_before === undefined || job.facts.createdAt < bounds.created_before))
    .reverse()
    .sort((a, b) => b.facts.createdAt - a.facts.createdAt);
  let start = 0;
  const cursor = query.get('cursor');
  if (cursor !== null) {
    // The cursor is the last id of the previous page; one this process did not make is placed by its time.
    const facts = decodeJobId(cursor, REPLICATE_JOBS);
    if (!facts) return replicateError(400, 'Invalid cursor');
    const at = newestFirst.findIndex((job) => job.id === cursor);
    start = at >= 0 ? at + 1 : newestFirst.findIndex((job) => job.facts.createdAt < facts.createdAt);
    if (start < 0) start = newestFirst.length;
  }
  const page = newestFirst.slice(start, start + PAGE_SIZE);
  const last = page.at(-1);
  let next: string | null = null;
  if (last && start + PAGE_SIZE < newestFirst.length) {
    const params = new URLSearchParams(query);
    params.set('cursor', last.id);
    next = `${ctx.origin}/v1/predictions?${params}`;
  }
  return jsonResponse(200, { previous: null, next, results: page.map((job) => predictionResource(ctx, job)) });
}

type JsonBody = { value: Record<string, unknown> } | { response: EmulatorResponse };

async function readJson(ctx: RouteContext): Promise<JsonBody> {
  const read = await readJsonObject(ctx.req, MAX_BODY_BYTES);
  if (read.ok) return { value: read.value };
  if (read.reason === 'invalid_json') return { response: replicateError(400, 'The request body is not valid JSON.') };
  if (read.reason === 'not_object') return { response: replicateError(400, 'The request body must be a JSON object.') };
  return { response: replicateError(413, 'Request body too large or interrupted') };
}
