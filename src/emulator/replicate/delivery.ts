/**
 * Replicate's delivery host (`replicate.delivery`, reference [I]), which serves prediction
 * outputs without a key. An output is there once the prediction has succeeded and gone when
 * its data is removed: then the file answers 404, as a deleted object does, and a client has
 * to generate the video again.
 */
import type { EmulatorResponse } from '../http-io.js';
import type { EmulatedApi, RouteContext } from '../router.js';
import { videoResponse } from '../storage/api.js';
import { storageError, storageErrors, storageRequestId } from '../storage/errors.js';
import { predictionState, REPLICATE_JOBS } from './prediction.js';

export const replicateDeliveryApi: EmulatedApi = {
  name: 'replicate-delivery',
  pathPrefix: '/_emulator/replicate-delivery/',
  errors: storageErrors,
  requestId: storageRequestId,
  routes: [{ method: 'GET', pattern: '/_emulator/replicate-delivery/:id/:file', faults: 'download', handle: serveOutput }],
};

function serveOutput(ctx: RouteContext): EmulatorResponse {
  // A key sent here is counted by the server, as for every keyless host (stats.authOnVideoUrls).
  const job = ctx.env.jobs.find(ctx.params.id ?? '', REPLICATE_JOBS);
  const state = job && predictionState(ctx, job);
  if (!job || state?.status !== 'succeeded' || state.removed || ctx.params.file !== 'output.mp4') {
    return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  return videoResponse(ctx.env, job.id, job.facts.aspectRatio);
}
