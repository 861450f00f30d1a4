import { accountOf, admitJob, drawJobFate } from '../admission.js';
import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import { nearestAspectRatio } from '../ratios.js';
import type { EmulatedApi, RouteContext } from '../router.js';
import { googleError, invalidArgument, vertexErrors, vertexRequestId } from './errors.js';
import { VERTEX_JOBS, operationAnswer, type OperationExtra } from './operation.js';
import { tokenAccepted } from './tokens.js';
import { validatePredict } from './validation.js';

/**
 * Veo on Vertex AI (reference/vertex-veo.md): `POST …/publishers/google/models/{model}:predictLongRunning`
 * starts an operation, `POST …:fetchPredictOperation {operationName}` reports on it. The method
 * is part of the last path segment, so one route takes both. Auth: an OAuth Bearer token,
 * exactly one the emulator issued (tokens.ts).
 */

/** The emulator's own copy of the model table: what Vertex serves, and what it retired (404). */
const SERVED_MODELS = new Set(['veo-3.1-generate-001', 'veo-3.1-fast-generate-001', 'veo-3.1-lite-generate-001']);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function modelAction(ctx: RouteContext): Promise<EmulatorResponse> {
  if (!tokenAccepted(ctx)) return vertexErrors.unauthorized(false);
  const { project = '', location = '', modelAction: segment = '' } = ctx.params;
  const colon = segment.lastIndexOf(':');
  const model = colon > 0 ? segment.slice(0, colon) : segment;
  const action = colon > 0 ? segment.slice(colon + 1) : '';
  const modelPath = `projects/${project}/locations/${location}/publishers/google/models/${model}`;
  if (action !== 'predictLongRunning' && action !== 'fetchPredictOperation') {
    return googleError(404, 'NOT_FOUND', `Method not found: ${action || '(none)'}.`);
  }
  // Retired ids "typically return 404" (Google's model-versioning page).
  if (!SERVED_MODELS.has(model)) {
    return googleError(404, 'NOT_FOUND', `Publisher Model \`${modelPath}\` was not found or your project does not have access to it.`);
  }
  const read = await readBody(ctx.req, MAX_BODY_BYTES);
  if (!read.ok) return invalidArgument('The request body is too large or was interrupted.');
  let body: unknown;
  try {
    body = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return invalidArgument('Invalid JSON payload received.');
  }
  return action === 'predictLongRunning' ? predict(ctx, body, model, modelPath) : fetchOperation(ctx, body, model, modelPath);
}

function predict(ctx: RouteContext, body: unknown, model: string, modelPath: string): EmulatorResponse {
  const checked = validatePredict(body, model);
  if (!checked.ok) return checked.response;
  const admission = admitJob(ctx, VERTEX_JOBS.api);
  if (!admission.ok) {
    if (admission.outOfCredit) return admission.outOfCredit;
    return googleError(429, 'RESOURCE_EXHAUSTED', 'Too many concurrent predictions for this model in this project (emulated).', {
      'retry-after': String(admission.retryAfterSeconds),
    });
  }
  const { storageUri, sampleCount, aspectRatio, prompt } = checked.value;
  const extra: OperationExtra = { samples: sampleCount };
  if (storageUri !== undefined) extra.storage = storageUri.endsWith('/') ? storageUri : `${storageUri}/`;
  const job = ctx.env.jobs.create(
    {
      kind: VERTEX_JOBS,
      ...drawJobFate(ctx),
      aspectRatio: nearestAspectRatio(aspectRatio),
      model,
      extra: { ...extra },
      ownerKey: accountOf(ctx, VERTEX_JOBS.api),
      ...(prompt === undefined ? {} : { prompt }),
    },
    ctx.now,
  );
  return jsonResponse(200, { name: `${modelPath}/operations/${job.id}` });
}

function fetchOperation(ctx: RouteContext, body: unknown, model: string, modelPath: string): EmulatorResponse {
  const name = (body as { operationName?: unknown } | null)?.operationName;
  if (typeof name !== 'string' || name === '') return invalidArgument('operationName is required.');
  const prefix = `${modelPath}/operations/`;
  if (!name.startsWith(prefix)) return invalidArgument(`operationName ${name} does not belong to ${modelPath}.`);
  const job = ctx.env.jobs.find(name.slice(prefix.length), VERTEX_JOBS);
  if (!job || job.facts.model !== model) return googleError(404, 'NOT_FOUND', `Operation ${name} not found.`);
  return operationAnswer(ctx, job, name);
}

export const vertexApi: EmulatedApi = {
  name: 'vertex',
  jobs: VERTEX_JOBS,
  pathPrefix: '/v1/projects/',
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: vertexErrors,
  requestId: vertexRequestId,
  routes: [
    // Both methods: injected server errors are then 503 + Retry-After, which a submit may retry (nothing was created).
    { method: 'POST', pattern: '/v1/projects/:project/locations/:location/publishers/google/models/:modelAction', faults: 'api', creates: true, handle: modelAction },
  ],
};
