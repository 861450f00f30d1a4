import { createHash } from 'node:crypto';
import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { JobKind } from '../job-id.js';
import type { JobRecord } from '../jobs.js';
import { nearestAspectRatio } from '../ratios.js';
import type { EmulatedApi, Route, RouteContext } from '../router.js';
import { videoResponse } from '../storage/api.js';
import { openRouterError, openRouterErrors, openRouterInvalid, openRouterRequestId } from './errors.js';
import { jobAnswer, videoStatus } from './job-answer.js';
import { EMULATED_MODELS, videoModelEntry } from './models.js';
import { validateCreateVideo } from './validation.js';

/**
 * OpenRouter's async video API under /api/v1 (reference/openrouter-videos.md): its four
 * endpoints, Bearer auth except on the model list. What a client must cope with, made
 * deterministic so tests can count on it:
 * - `polling_url` is relative for every other job and absolute (this server's origin) for the rest;
 * - a finished job polled after `contentTtlMs` (`--content-ttl`) has outlived its time-to-live:
 *   `expired`, its content gone;
 * - with `failRate`, every third failing job is `cancelled` (no error), the others `failed`;
 * - with `moderationRate`, a refused job is, depending on its prompt, a 403 at the door (a
 *   guardrail: nothing created) or a job that fails with a content-policy error;
 * - with `creditLimit`, a key past it is answered 402.
 */

export const OPENROUTER_JOBS: JobKind = { api: 'openrouter', prefix: 'orv-' };

const PREFIX = '/api/v1';
/** Frame images travel inline as data: URLs; a few of them fit comfortably. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const routes: Route[] = [
  { method: 'POST', pattern: `${PREFIX}/videos`, faults: 'api', creates: true, handle: createVideo },
  // Before /videos/:id, which would otherwise take `models` for a job id. Documented without auth (§6).
  { method: 'GET', pattern: `${PREFIX}/videos/models`, auth: false, faults: 'api', handle: listModels },
  { method: 'GET', pattern: `${PREFIX}/videos/:id`, faults: 'api', handle: getVideo },
  { method: 'GET', pattern: `${PREFIX}/videos/:id/content`, faults: 'api', handle: videoContent },
];

export const openRouterApi: EmulatedApi = {
  name: 'openrouter',
  jobs: OPENROUTER_JOBS,
  pathPrefix: `${PREFIX}/`,
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: openRouterErrors,
  requestId: openRouterRequestId,
  routes,
};

async function createVideo(ctx: RouteContext): Promise<EmulatorResponse> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  const read = await readBody(ctx.req, MAX_BODY_BYTES);
  if (!read.ok) return openRouterInvalid('Request body is too large or was interrupted');
  if (!/^application\/json/i.test(contentType)) return openRouterInvalid('Content-Type must be application/json');
  let body: unknown;
  try {
    body = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return openRouterInvalid('Request body is not valid JSON');
  }
  const checked = validateCreateVideo(body);
  if (!checked.ok) return checked.response;
  const request = checked.value;

  const admission = admitJob(ctx, OPENROUTER_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return openRouterError(429, 'Too many video generation jobs in flight for this key', {
      headers: { 'retry-after': String(admission.retryAfterSeconds) },
    });
  }
  const fate = drawJobFate(ctx);
  if (fate.moderated && refusedAtTheDoor(request.prompt)) {
    return openRouterError(403, `${request.model.id} requires moderation and your input was flagged (emulated)`, {
      metadata: { reasons: ['violence'], flagged_input: (request.prompt ?? '').slice(0, 100), provider_name: null, model_slug: request.model.id },
    });
  }
  const counts = ctx.env.jobs.createdCounts(OPENROUTER_JOBS.api);
  const job = ctx.env.jobs.create(
    {
      kind: OPENROUTER_JOBS,
      ...fate,
      aspectRatio: nearestAspectRatio(request.shape),
      model: request.model.id,
      ownerKey: accountOf(ctx, OPENROUTER_JOBS.api),
      ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
      extra: {
        duration: request.duration,
        absolutePollingUrl: counts.created % 2 === 1,
        ...(request.resolution === undefined ? {} : { resolution: request.resolution }),
        // Every third failure that is not a refusal is a cancellation.
        ...(fate.fails && !fate.moderated && counts.failing % 3 === 2 ? { cancelled: true } : {}),
      },
    },
    ctx.now,
  );
  const { id, polling_url } = jobAnswer(job, ctx);
  return jsonResponse(202, { id, polling_url, status: 'pending' });
}

/** Which moderated submissions a guardrail stops before any job exists: decided by the prompt, so a retry meets the same answer. */
function refusedAtTheDoor(prompt: string | undefined): boolean {
  return (createHash('sha256').update(prompt ?? '').digest()[0] ?? 0) % 2 === 0;
}

function listModels(): EmulatorResponse {
  return jsonResponse(200, { data: EMULATED_MODELS.map(videoModelEntry) });
}

function getVideo(ctx: RouteContext): EmulatorResponse {
  const job = findJob(ctx);
  return job ? jsonResponse(200, jobAnswer(job, ctx)) : notFound();
}

function videoContent(ctx: RouteContext): EmulatorResponse {
  const indexText = ctx.url.searchParams.get('index') ?? '0';
  if (!/^\d+$/.test(indexText)) return openRouterInvalid(`index: Expected an integer >= 0, received "${indexText}"`);
  const job = findJob(ctx);
  if (!job) return notFound();
  const status = videoStatus(job, ctx);
  if (status === 'pending' || status === 'in_progress') return openRouterInvalid(`Video generation ${job.id} is not completed yet (status ${status})`);
  if (status !== 'completed') return openRouterError(404, `Video generation ${job.id} has no content (status ${status})`);
  // One video per job.
  if (Number(indexText) !== 0) return openRouterError(404, `Video generation ${job.id} has no output at index ${indexText}`);
  return videoResponse(ctx.env, job.id, job.facts.aspectRatio);
}

function findJob(ctx: RouteContext): JobRecord | undefined {
  return ctx.env.jobs.find(ctx.params.id ?? '', OPENROUTER_JOBS);
}

function notFound(): EmulatorResponse {
  return openRouterError(404, 'Video generation job not found');
}
