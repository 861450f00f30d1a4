/**
 * Replicate as the emulator speaks it: the API under /v1 (predictions and files, Bearer token)
 * and the keyless delivery host of outputs.
 */
import type { EmulatedApi } from '../router.js';
import { replicateDeliveryApi } from './delivery.js';
import { replicateErrors } from './errors.js';
import { fileRoutes } from './files.js';
import { REPLICATE_JOBS } from './prediction.js';
import { predictionRoutes } from './predictions.js';

const replicateApi: EmulatedApi = {
  name: 'replicate',
  jobs: REPLICATE_JOBS,
  pathPrefix: '/v1/predictions',
  key: { header: 'authorization', scheme: 'Bearer' },
  errors: replicateErrors,
  // Replicate's answers carry no request id the reference names.
  requestId: () => ({}),
  routes: [...predictionRoutes, ...fileRoutes],
};

export const REPLICATE_APIS: readonly EmulatedApi[] = [replicateApi, replicateDeliveryApi];
