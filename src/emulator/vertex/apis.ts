/** Google's hosts for Veo: Vertex AI, the Cloud Storage JSON API it writes outputs to, and the OAuth token endpoint. */
import type { EmulatedApi } from '../router.js';
import { vertexApi } from './api.js';
import { gcsApi } from './gcs.js';
import { googleOauthApi } from './tokens.js';

export const vertexEmulatedApis: readonly EmulatedApi[] = [vertexApi, gcsApi, googleOauthApi];
