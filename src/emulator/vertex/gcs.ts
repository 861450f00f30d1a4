import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import { jobStatusAt } from '../jobs.js';
import type { EmulatedApi, RouteContext } from '../router.js';
import { videoResponse } from '../storage/api.js';
import { googleError, vertexErrors } from './errors.js';
import { VERTEX_JOBS, operationExtra, sampleUri } from './operation.js';
import { tokenAccepted } from './tokens.js';

/**
 * The Cloud Storage JSON API (storage.googleapis.com), as far as reading Veo's outputs goes:
 * `GET /storage/v1/b/{bucket}/o/{object}` for the metadata, `?alt=media` for the bytes. It
 * takes the same OAuth token as Vertex. Objects exist where a finished job wrote them.
 */
function readObject(ctx: RouteContext): EmulatorResponse {
  if (!tokenAccepted(ctx)) return vertexErrors.unauthorized(false);
  const bucket = ctx.params.bucket ?? '';
  const object = ctx.params.object ?? '';
  const notFound = googleError(404, 'NOT_FOUND', `No such object: ${bucket}/${object}`);
  const match = /(?:^|\/)([^/]+)\/sample_(\d+)\.mp4$/.exec(object);
  const job = match ? ctx.env.jobs.find(match[1]!, VERTEX_JOBS) : undefined;
  if (!match || !job) return notFound;
  const { storage, samples } = operationExtra(job);
  const index = Number(match[2]);
  if (storage === undefined || index >= samples || sampleUri(storage, job.id, index) !== `gs://${bucket}/${object}`) return notFound;
  if (jobStatusAt(job.facts, ctx.now).state !== 'completed') return notFound;
  const video = videoResponse(ctx.env, `${job.id}/${index}`, job.facts.aspectRatio);
  if (ctx.url.searchParams.get('alt') === 'media') return video;
  const size = Buffer.isBuffer(video.body) ? video.body.length : video.body.size;
  return jsonResponse(200, { kind: 'storage#object', bucket, name: object, contentType: 'video/mp4', size: String(size) });
}

export const gcsApi: EmulatedApi = {
  name: 'gcs',
  pathPrefix: '/storage/v1/',
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: vertexErrors,
  requestId: () => ({}),
  routes: [{ method: 'GET', pattern: '/storage/v1/b/:bucket/o/:object', faults: 'download', handle: readObject }],
};
