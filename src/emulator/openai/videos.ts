import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import { decodeJobId, type JobKind } from '../job-id.js';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import { previewImageFor } from '../mp4.js';
import { nearestAspectRatio, type VideoSeconds, type VideoSize } from '../ratios.js';
import type { EmulatedApi, Route, RouteContext } from '../router.js';
import { videoResponse } from '../storage/api.js';
import { readOpenAiFields } from './body.js';
import { openaiError, openaiErrors, openaiInvalid, openaiRequestId } from './errors.js';
import { contentExpired, videoResource, videoStatus } from './resource.js';
import { checkPrompt, validateCreateVideo } from './validation.js';

/** The OpenAI Videos API (and its resellers' dialects) under /v1. Auth: Bearer. */

const POLL_AFTER_MIN_MS = 100;
const POLL_AFTER_MAX_MS = 2000;
const DEFAULT_LIST_LIMIT = 20;

export const OPENAI_JOBS: JobKind = { api: 'openai', prefix: 'video_' };

const routes: Route[] = [
  { method: 'POST', pattern: '/v1/videos', faults: 'api', creates: true, handle: createVideo },
  { method: 'GET', pattern: '/v1/videos', faults: 'api', handle: listVideos },
  { method: 'GET', pattern: '/v1/videos/:id', faults: 'api', handle: retrieveVideo },
  { method: 'DELETE', pattern: '/v1/videos/:id', faults: 'api', handle: deleteVideo },
  { method: 'GET', pattern: '/v1/videos/:id/content', faults: 'api', handle: videoContent },
  { method: 'POST', pattern: '/v1/videos/:id/remix', faults: 'api', creates: true, handle: remixVideo },
];

export const openaiApi: EmulatedApi = {
  name: 'openai',
  jobs: OPENAI_JOBS,
  pathPrefix: '/v1/videos',
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: openaiErrors,
  requestId: openaiRequestId,
  routes,
};

async function createVideo(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readOpenAiFields(ctx);
  if (!read.ok) return read.response;
  const checked = await validateCreateVideo(read.fields);
  if (!checked.ok) return checked.response;
  const { prompt, model, seconds, size } = checked.value;
  return startJob(ctx, { prompt, model, seconds, size });
}

async function remixVideo(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readOpenAiFields(ctx);
  if (!read.ok) return read.response;
  const prompt = checkPrompt(read.fields.prompt);
  if (!prompt.ok) return prompt.response;
  const source = findVideo(ctx);
  if (!source) return notFound(ctx);
  if (jobStatusAt(source.facts, ctx.now).state !== 'completed') {
    return openaiInvalid('Only completed videos can be remixed.', null, 'invalid_video_state');
  }
  return startJob(ctx, {
    prompt: prompt.value,
    model: source.facts.model ?? 'sora-2',
    seconds: source.facts.seconds ?? '4',
    size: source.facts.size ?? '720x1280',
    remixedFrom: source.id,
  });
}

function startJob(
  ctx: RouteContext,
  spec: { prompt: string; model: string; seconds: VideoSeconds; size: VideoSize; remixedFrom?: string },
): EmulatorResponse {
  const admission = admitJob(ctx, OPENAI_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return openaiError(
      429,
      { message: 'Too many concurrent video generation jobs. Wait for one to finish and retry.', type: 'requests', code: 'concurrent_limit' },
      { 'retry-after': String(admission.retryAfterSeconds), 'retry-after-ms': String(admission.retryAfterSeconds * 1000) },
    );
  }
  const job = ctx.env.jobs.create(
    {
      kind: OPENAI_JOBS,
      ...drawJobFate(ctx),
      aspectRatio: nearestAspectRatio(spec.size),
      ownerKey: accountOf(ctx, OPENAI_JOBS.api),
      ...spec,
    },
    ctx.now,
  );
  return jsonResponse(200, videoResource(job, ctx.now, ctx.env.options.contentTtlMs));
}

function retrieveVideo(ctx: RouteContext): EmulatorResponse {
  const job = findVideo(ctx);
  if (!job) return notFound(ctx);
  const status = jobStatusAt(job.facts, ctx.now);
  const headers: Record<string, string> = {};
  if (status.remainingMs > 0) {
    headers['openai-poll-after-ms'] = String(Math.max(POLL_AFTER_MIN_MS, Math.min(status.remainingMs, POLL_AFTER_MAX_MS)));
  }
  return jsonResponse(200, videoResource(job, ctx.now, ctx.env.options.contentTtlMs), headers);
}

function deleteVideo(ctx: RouteContext): EmulatorResponse {
  const job = findVideo(ctx);
  if (!job) return notFound(ctx);
  const status = jobStatusAt(job.facts, ctx.now);
  if (status.remainingMs > 0) {
    return openaiInvalid(
      `Video '${job.id}' is still ${videoStatus(status)}; only completed or failed videos can be deleted.`,
      null,
      'invalid_video_state',
    );
  }
  ctx.env.jobs.delete(job.id);
  return jsonResponse(200, { id: job.id, object: 'video.deleted', deleted: true });
}

function videoContent(ctx: RouteContext): EmulatorResponse {
  const variant = ctx.url.searchParams.get('variant') ?? 'video';
  if (variant !== 'video' && variant !== 'thumbnail' && variant !== 'spritesheet') {
    return openaiInvalid(`Invalid value: '${variant}'. Supported values are: 'video', 'thumbnail', and 'spritesheet'.`, 'variant', 'invalid_value');
  }
  const job = findVideo(ctx);
  if (!job) return notFound(ctx);
  const status = jobStatusAt(job.facts, ctx.now);
  if (status.state === 'failed') {
    return openaiInvalid(`Video '${job.id}' failed; it has no content to download.`, null, 'video_generation_failed');
  }
  if (status.state !== 'completed') {
    return openaiInvalid(
      `Video '${job.id}' is not ready yet (status ${videoStatus(status)}). Poll GET /v1/videos/${job.id} until it is completed.`,
      null,
      'video_not_ready',
    );
  }
  if (contentExpired(status, ctx.now, ctx.env.options.contentTtlMs)) {
    return openaiError(404, { message: `The content of video '${job.id}' has expired.`, type: 'invalid_request_error', code: 'video_expired' });
  }
  if (variant !== 'video') {
    const image = previewImageFor(job.facts.aspectRatio, variant);
    return { status: 200, headers: { 'content-type': image.contentType }, body: image.bytes };
  }
  return videoResponse(ctx.env, job.id, job.facts.aspectRatio);
}

function listVideos(ctx: RouteContext): EmulatorResponse {
  const query = ctx.url.searchParams;
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIST_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) {
    return openaiInvalid(`Invalid 'limit': expected an integer between 0 and 100, but got '${limitText}'.`, 'limit', 'invalid_value');
  }
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    return openaiInvalid(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
  }
  const sorted = ctx.env.jobs.list(OPENAI_JOBS.api, accountOf(ctx, OPENAI_JOBS.api)).sort(order === 'asc' ? byCreation : (a, b) => byCreation(b, a));

  let start = 0;
  const after = query.get('after');
  if (after !== null) {
    // The cursor is compared by position, so it works even for an id this process never saw.
    const facts = decodeJobId(after, OPENAI_JOBS);
    if (!facts) return openaiInvalid(`Invalid 'after': '${after}' is not a video id.`, 'after', 'invalid_value');
    const cursor = { id: after, facts };
    start = sorted.findIndex((job) => (order === 'asc' ? byCreation(job, cursor) : byCreation(cursor, job)) > 0);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + limit);
  return jsonResponse(200, {
    object: 'list',
    data: page.map((job) => videoResource(job, ctx.now, ctx.env.options.contentTtlMs)),
    first_id: page[0]?.id ?? null,
    last_id: page[page.length - 1]?.id ?? null,
    has_more: start + limit < sorted.length,
  });
}

function byCreation(a: Pick<JobRecord, 'id' | 'facts'>, b: Pick<JobRecord, 'id' | 'facts'>): number {
  if (a.facts.createdAt !== b.facts.createdAt) return a.facts.createdAt - b.facts.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function findVideo(ctx: RouteContext): JobRecord | undefined {
  return ctx.env.jobs.find(ctx.params.id ?? '', OPENAI_JOBS);
}

function notFound(ctx: RouteContext): EmulatorResponse {
  return openaiError(404, {
    message: `Video with id '${ctx.params.id ?? ''}' not found.`,
    type: 'invalid_request_error',
    param: null,
    code: 'not_found',
  });
}
