/**
 * fal.ai (reference/fal-queue.md) as the emulator speaks it: three hosts that take the key
 * as `Authorization: Key …` (the queue, the storage REST host, the platform API) and the
 * keyless CDN that receives uploads and serves them and the videos.
 */
import type { EmulatedApi } from '../router.js';
import { cdnRoutes, restRoutes } from './cdn.js';
import { falErrors, falRequestId } from './errors.js';
import { platformRoutes } from './platform.js';
import { queueRoutes } from './queue.js';
import { FAL_JOBS } from './requests.js';

const falCdnApi: EmulatedApi = {
  name: 'fal-cdn',
  pathPrefix: '/fal/cdn/',
  errors: falErrors,
  requestId: () => ({}),
  routes: cdnRoutes,
};

const falApi: EmulatedApi = {
  name: 'fal',
  jobs: FAL_JOBS,
  pathPrefix: '/fal/',
  key: { header: 'authorization', scheme: 'Key' },
  errors: falErrors,
  requestId: falRequestId,
  routes: [...queueRoutes, ...restRoutes, ...platformRoutes],
};

/** The CDN first, so an unknown path under /fal/cdn/ is answered as the CDN would. */
export const FAL_APIS: readonly EmulatedApi[] = [falCdnApi, falApi];
