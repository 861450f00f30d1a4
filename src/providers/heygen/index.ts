/**
 * HeyGen's v1 workflow API (`GenerateVideoNode`), which HeyGen retired from 2026-11-01
 * (reference/heygen-v3.md §8). Kept for existing manifests, the emulator and
 * HeyGen-compatible gateways; new work goes to `heygen-v3`.
 */
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields } from '../field-rules.js';
import { baseSpec, modelOf, type ModelInfo, type ProviderModule } from '../module.js';

const BASE_URL = 'https://api.heygen.com';

/** `POST /v3/assets`, which local images go through, takes at most 32 MB. */
export const HEYGEN_MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** Both HeyGen APIs take local images through `POST /v3/assets`: its types and its limit. */
export const HEYGEN_ASSET_IMAGES: Pick<ProviderModule, 'imageTypes' | 'imageLimit'> = {
  // HeyGen's asset upload lists png and jpeg; WebP is in no HeyGen list.
  imageTypes: ['image/png', 'image/jpeg'],
  imageLimit: () => ({
    bytes: HEYGEN_MAX_IMAGE_BYTES,
    why: 'HeyGen uploads take at most 32 MB',
    hint: 'shrink or recompress the image (PNG or JPEG), or give an https URL',
  }),
};

const VEO_RETIRED = { since: '2026-06-30', source: 'reference/vertex-veo.md (Google retired Veo 2 and 3.0)' };
const SORA_RETIRED = { since: '2026-09-24', source: 'reference/README.md (OpenAI shut down sora-2 and its Videos API)' };

/**
 * The upstream models `input.provider` names (reference/000_… HeyGen's guide). Not a
 * whitelist: an unknown model is accepted with a "did you mean" warning when close.
 */
const MODELS: readonly ModelInfo[] = [
  { id: 'veo_3_1', referenceImage: true, tailImage: true },
  { id: 'veo_3_1_fast', referenceImage: true, tailImage: true },
  { id: 'veo3', referenceImage: true, retired: { ...VEO_RETIRED, replacement: 'veo_3_1' } },
  { id: 'veo3_fast', referenceImage: true, retired: { ...VEO_RETIRED, replacement: 'veo_3_1_fast' } },
  { id: 'veo2', referenceImage: true, retired: { ...VEO_RETIRED, replacement: 'veo_3_1' } },
  { id: 'kling_pro', referenceImage: true },
  { id: 'kling_v2', referenceImage: true },
  { id: 'sora_v2', referenceImage: true, retired: { ...SORA_RETIRED, replacement: 'veo_3_1' } },
  { id: 'sora_v2_pro', referenceImage: true, retired: { ...SORA_RETIRED, replacement: 'veo_3_1' } },
  { id: 'runway_gen4', referenceImage: true },
  { id: 'seedance_lite', referenceImage: true },
  { id: 'seedance_pro', referenceImage: true },
  { id: 'ltx_distilled', referenceImage: true, note: 'fastest' },
];

export const heygenModule: ProviderModule = {
  type: 'heygen',
  title: 'HeyGen v1 workflow API (GenerateVideoNode); retired by HeyGen from 2026-11-01',
  defaults: {
    baseUrl: BASE_URL,
    apiKeyEnv: 'HEYGEN_API_KEY',
    model: 'veo_3_1',
    concurrency: 4,
    // HeyGen's guide polls every 10 s and allows 5 to 10 minutes.
    poll: { initialMs: 5_000, maxMs: 30_000 },
    timeoutMs: 15 * 60_000,
  },
  auth: { kind: 'header', header: 'X-Api-Key' },
  emulatorPath: '',
  models: MODELS,
  ...HEYGEN_ASSET_IMAGES,
  retiredAt(config: ProviderConfig) {
    if (config.emulate || new URL(config.baseUrl).origin !== BASE_URL) return undefined;
    return { what: "HeyGen's v1 workflow API (GenerateVideoNode)", since: '2026-11-01', replacement: 'type: heygen-v3', source: 'reference/heygen-v3.md §8' };
  },
  checkShot(shot) {
    // GenerateVideoNode has no duration, size or resolution input; model-specific knobs go in input.config.
    const viaOptions = 'pass model-specific settings through `options` (sent as input.config)';
    return refuseFields('heygen', shot, ['aspect_ratio', 'reference_image', 'tail_image'], {
      duration: { why: 'the upstream model decides the length', hint: viaOptions },
      size: { hint: 'use `aspect_ratio` ("16:9", "9:16", "1:1"); other settings go in `options` (sent as input.config)' },
      resolution: { hint: viaOptions },
      seed: { hint: viaOptions },
      audio: { hint: viaOptions },
    });
  },
  spec(shot, config) {
    const spec = baseSpec('heygen', config, modelOf(heygenModule, shot), shot);
    // Always present (the default written out), so writing "16:9" hashes like leaving it out.
    spec.aspect_ratio = shot.aspect_ratio ?? '16:9';
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createHeygenProvider,
};
