import { createHash } from 'node:crypto';
import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { JobKind } from '../job-id.js';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import { nearestAspectRatio } from '../ratios.js';
import type { EmulatedApi, Route, RouteContext } from '../router.js';
import { signVideoUrl } from '../storage/video-urls.js';
import { uploadAssetRoute } from './assets.js';
import { heygenError, heygenErrors, heygenRequestId } from './errors.js';
import { validateGenerateVideo } from './validation.js';

/** HeyGen's v1 workflow API: submit a GenerateVideoNode execution, poll it. Auth: X-Api-Key. */

const MAX_JSON_BODY = 1024 * 1024;

export const HEYGEN_JOBS: JobKind = { api: 'heygen', prefix: 'node-gw-' };

const routes: Route[] = [
  { method: 'POST', pattern: '/v1/workflows/executions', faults: 'api', creates: true, handle: submitExecution },
  { method: 'GET', pattern: '/v1/workflows/executions/:id', faults: 'api', handle: getExecution },
  uploadAssetRoute,
];

export const heygenApi: EmulatedApi = {
  name: 'heygen',
  jobs: HEYGEN_JOBS,
  pathPrefix: '/v1/workflows/',
  key: { header: 'x-api-key' },
  errors: heygenErrors,
  requestId: heygenRequestId,
  routes,
};

async function submitExecution(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readBody(ctx.req, MAX_JSON_BODY);
  if (!read.ok) return heygenError(400, 'invalid_parameter', 'request body is too large or was interrupted');
  let body: unknown;
  try {
    body = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return heygenError(400, 'invalid_parameter', 'request body must be valid JSON');
  }
  const checked = validateGenerateVideo(body);
  if (!checked.ok) return heygenError(400, 'invalid_parameter', checked.problem.message, { param: checked.problem.param });

  const admission = admitJob(ctx, HEYGEN_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return heygenError(429, 'concurrent_limit', 'too many jobs in flight', {
      headers: { 'retry-after': String(admission.retryAfterSeconds) },
    });
  }
  const fate = drawJobFate(ctx);
  // Deterministic variety a client must cope with: every other job puts its URL flat at
  // data.output.video_url, every other failure carries no reason at all.
  const counts = ctx.env.jobs.createdCounts(HEYGEN_JOBS.api);
  const job = ctx.env.jobs.create(
    {
      kind: HEYGEN_JOBS,
      ...fate,
      flatOutput: counts.created % 2 === 1,
      silentFailure: fate.fails && !fate.moderated && counts.failing % 2 === 1,
      aspectRatio: nearestAspectRatio(checked.input.aspectRatio),
      ownerKey: accountOf(ctx, HEYGEN_JOBS.api),
      prompt: checked.input.prompt,
    },
    ctx.now,
  );
  return jsonResponse(200, { data: { execution_id: job.id, status: 'submitted' } });
}

function getExecution(ctx: RouteContext): EmulatorResponse {
  const id = ctx.params.id ?? '';
  const job = ctx.env.jobs.find(id, HEYGEN_JOBS);
  // HeyGen answers an unknown id with a 200 and status "not_found", not an HTTP 404.
  if (!job) return jsonResponse(200, { data: { execution_id: id, status: 'not_found' } });

  const status = jobStatusAt(job.facts, ctx.now);
  const data: Record<string, unknown> = { execution_id: id };
  switch (status.state) {
    case 'queued':
      data.status = 'submitted';
      break;
    case 'running':
      data.status = 'running';
      data.progress = status.progress;
      break;
    case 'failed':
      data.status = 'failed';
      // HeyGen documents no content-policy code for the v1 API; this one is the emulator's own.
      if (job.facts.moderated) {
        data.error = { type: 'content_policy_violation', message: 'The prompt or image was refused by the content policy (emulated).' };
      } else if (!job.facts.silentFailure) {
        // Failures without any reason happen in practice; clients must cope.
        data.error = { type: 'generation_failed', message: 'The upstream model could not generate this video (emulated failure).' };
      }
      break;
    case 'completed':
      data.status = 'completed';
      data.output = completedOutput(ctx, job);
      break;
  }
  return jsonResponse(200, { data });
}

/** A fresh temporary URL on every poll, as HeyGen's signed storage URLs are. */
function completedOutput(ctx: RouteContext, job: JobRecord): Record<string, unknown> {
  const videoUrl = signVideoUrl(ctx.origin, HEYGEN_JOBS.api, job.id, ctx.now, ctx.env.options.urlTtlMs);
  const digest = createHash('sha256').update(job.id).digest('hex');
  const videoId = digest.slice(0, 32);
  const assetId = `asset-${digest.slice(32, 48)}`;
  // Some workflow types put the URL flat at data.output.video_url: clients accept both.
  return job.facts.flatOutput
    ? { video_url: videoUrl, video_id: videoId, asset_id: assetId }
    : { video: { video_url: videoUrl, video_id: videoId }, asset_id: assetId };
}
