import { setTimeout as sleep } from 'node:timers/promises';
import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { heygenError, heygenErrors, heygenRequestId } from '../heygen/errors.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { JobExtra, JobKind } from '../job-id.js';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import { nearestAspectRatio } from '../ratios.js';
import type { EmulatedApi, Route, RouteContext } from '../router.js';
import { signVideoUrl } from '../storage/video-urls.js';
import { V3_MODEL, validateCreateClip, type ClipRequest } from './validation.js';

/**
 * HeyGen v3 clips (reference/heygen-v3.md §4, §7): `POST /v3/models/videos` answers 202
 * with a video id, honouring Idempotency-Key; `GET /v3/models/videos/:id` walks pending →
 * processing → completed | failed | cancelled, signing a fresh video URL on every read.
 * Local images arrive as asset ids from `POST /v3/assets`, which the v1 API's route module
 * serves for both (heygen/assets.ts). There is no list of these jobs, as at HeyGen.
 */

export const HEYGEN_V3_JOBS: JobKind = { api: 'heygen-v3', prefix: 'hv3_' };

const CREATE_PATTERN = '/v3/models/videos';
/** Room for base64 asset unions carrying a 32 MB image. */
const MAX_JSON_BODY = 48 * 1024 * 1024;
/** Same key within this window replays the first answer (§7). */
const KEY_WINDOW_MS = 24 * 60 * 60_000;
/** 1–255 characters of [A-Za-z0-9_:.-] (§7). */
const KEY_PATTERN = /^[A-Za-z0-9_:.-]{1,255}$/;
/** Every third failure is a cancellation, so clients meet `cancelled` without a knob of its own. */
const CANCELLED_EVERY = 3;

const routes: Route[] = [
  { method: 'POST', pattern: CREATE_PATTERN, faults: 'api', creates: true, handle: createClip },
  { method: 'GET', pattern: '/v3/models/videos/:id', faults: 'api', handle: getClip },
];

export const heygenV3Api: EmulatedApi = {
  name: 'heygen-v3',
  jobs: HEYGEN_V3_JOBS,
  pathPrefix: '/v3/models/',
  key: { header: 'x-api-key' },
  errors: heygenErrors,
  requestId: heygenRequestId,
  routes,
};

async function createClip(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readBody(ctx.req, MAX_JSON_BODY);
  if (!read.ok) return heygenError(400, 'invalid_parameter', 'request body is too large or was interrupted');
  const key = idempotencyKey(ctx);
  if (typeof key === 'object') return key;
  // Without a key every POST is a new job (and a new charge).
  if (key === undefined) return create(ctx, read.bytes);
  const claim = ctx.env.idempotency.claim(`${accountOf(ctx, HEYGEN_V3_JOBS.api)} POST ${CREATE_PATTERN}`, key, ctx.now, KEY_WINDOW_MS);
  if (claim.kind === 'replay') return claim.answer;
  if (claim.kind === 'in_progress') {
    return heygenError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed; retry later with the same key.');
  }
  let answer: EmulatorResponse | undefined;
  try {
    answer = await create(ctx, read.bytes);
    return answer;
  } finally {
    // Only an answer that created a job is replayed; a refusal leaves the key free.
    claim.settle(answer !== undefined && answer.status < 300 ? answer : undefined);
  }
}

/** The request's Idempotency-Key, undefined without one, or the 400 for a blank or malformed one. */
function idempotencyKey(ctx: RouteContext): string | undefined | EmulatorResponse {
  const header = ctx.req.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? (header[0] ?? '') : header;
  if (key.trim() === '') return heygenError(400, 'invalid_parameter', 'Idempotency-Key must not be blank', { param: 'Idempotency-Key' });
  if (!KEY_PATTERN.test(key)) {
    return heygenError(400, 'invalid_parameter', 'Idempotency-Key must be 1 to 255 characters of A-Z, a-z, 0-9, _, :, . and -', { param: 'Idempotency-Key' });
  }
  return key;
}

async function create(ctx: RouteContext, bytes: Buffer): Promise<EmulatorResponse> {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return heygenError(400, 'invalid_parameter', 'request body must be valid JSON');
  }
  const checked = validateCreateClip(body, ctx.env.assets);
  if (!checked.ok) return heygenError(400, 'invalid_parameter', checked.problem.message, { param: checked.problem.param });

  const admission = admitJob(ctx, HEYGEN_V3_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return heygenError(429, 'rate_limit_exceeded', 'Too many videos in progress; wait for one to finish.', {
      headers: { 'retry-after': String(admission.retryAfterSeconds) },
    });
  }
  const job = startJob(ctx, checked.value);
  // The job exists (and is billed) from here; a client that gives up meanwhile never hears its id.
  if (ctx.env.options.createDelayMs > 0) await sleep(ctx.env.options.createDelayMs);
  return jsonResponse(202, { data: { video_id: job.id, status: 'pending' } });
}

function startJob(ctx: RouteContext, request: ClipRequest): JobRecord {
  const fate = drawJobFate(ctx);
  const failing = ctx.env.jobs.createdCounts(HEYGEN_V3_JOBS.api).failing;
  const extra: JobExtra = { mode: request.mode, duration: request.duration, resolution: request.resolution };
  if (request.seed !== undefined) extra.seed = request.seed;
  if (fate.fails && !fate.moderated && failing % CANCELLED_EVERY === CANCELLED_EVERY - 1) extra.cancelled = true;
  return ctx.env.jobs.create(
    {
      kind: HEYGEN_V3_JOBS,
      ...fate,
      extra,
      aspectRatio: nearestAspectRatio(request.aspectRatio === 'adaptive' ? undefined : (request.aspectRatio ?? pngRatio(request.imageBytes))),
      model: V3_MODEL,
      ownerKey: accountOf(ctx, HEYGEN_V3_JOBS.api),
      prompt: request.prompt,
    },
    ctx.now,
  );
}

function getClip(ctx: RouteContext): EmulatorResponse {
  const id = ctx.params.id ?? '';
  const job = ctx.env.jobs.find(id, HEYGEN_V3_JOBS);
  if (!job) return heygenError(404, 'not_found', `Video ${id} not found.`);
  const { facts } = job;
  const extra = facts.extra ?? {};
  const data: Record<string, unknown> = {
    video_id: id,
    model: facts.model ?? V3_MODEL,
    status: 'pending',
    created_at: Math.floor(facts.createdAt / 1000),
  };
  if (typeof extra.duration === 'number') data.duration = extra.duration;
  data.aspect_ratio = facts.aspectRatio;
  if (typeof extra.seed === 'number') data.seed = extra.seed;
  const status = jobStatusAt(facts, ctx.now);
  switch (status.state) {
    case 'queued':
      break;
    case 'running':
      data.status = 'processing';
      break;
    case 'completed':
      data.status = 'completed';
      data.video_url = signVideoUrl(ctx.origin, HEYGEN_V3_JOBS.api, id, ctx.now, ctx.env.options.urlTtlMs);
      data.timings = { inference: Math.round(facts.latencyMs / 1000) };
      break;
    case 'failed':
      Object.assign(data, failure(facts.moderated === true, extra.cancelled === true));
      break;
  }
  return jsonResponse(200, { data });
}

/**
 * How a failed job reads. The reference names `generation_failed` and
 * `generation_cancelled` and no moderation code; a refusal is told by its message.
 */
function failure(moderated: boolean, cancelled: boolean): Record<string, string> {
  if (cancelled) {
    return { status: 'cancelled', failure_code: 'generation_cancelled', failure_message: 'The generation was cancelled (emulated).' };
  }
  if (moderated) {
    return {
      status: 'failed',
      failure_code: 'generation_failed',
      failure_message: 'The request was rejected by content moderation: the prompt or image violates the content policy (emulated).',
    };
  }
  return { status: 'failed', failure_code: 'generation_failed', failure_message: 'The model could not generate this video (emulated failure).' };
}

/** A PNG's width:height from its IHDR chunk; JPEG and URL images fall back to 16:9. */
function pngRatio(bytes: Buffer | undefined): string | undefined {
  if (!bytes || bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return `${bytes.readUInt32BE(16)}:${bytes.readUInt32BE(20)}`;
}
