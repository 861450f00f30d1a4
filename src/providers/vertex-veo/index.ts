/**
 * Google Veo on Vertex AI (reference/vertex-veo.md): `predictLongRunning` on a publisher
 * model, polled with `fetchPredictOperation`, OAuth access tokens. Pure: the HTTP client is
 * in client.ts.
 */
import { z } from 'zod';
import { normaliseBaseUrl } from '../../util/base-url.js';
import type { ProviderConfig } from '../../manifest/types.js';
import { refuseFields, refuseReservedOptions, valueNotIn } from '../field-rules.js';
import { baseSpec, findModel, modelOf, type FieldProblem, type ModelInfo, type ProviderModule, type SettingProblem, type ShotRequest } from '../module.js';

export const VERTEX_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The location of every request sample in Google's Veo reference (REF); Veo is served there. */
export const DEFAULT_LOCATION = 'us-central1';
/** The Cloud Storage JSON API, which `gs://` outputs are downloaded through. */
export const DEFAULT_STORAGE_URL = 'https://storage.googleapis.com/storage/v1';

/**
 * The endpoint of a location, as Google's Python SDK maps it: `global` and the `us`/`eu`
 * multi-regions have hosts of their own, every region is `{location}-aiplatform`.
 */
export function vertexBaseUrl(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com/v1';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com/v1`;
  return `https://${location}-aiplatform.googleapis.com/v1`;
}

const DURATIONS: readonly number[] = [4, 6, 8];
const RATIOS: readonly string[] = ['16:9', '9:16'];
/** `4k` is documented for the Gemini API only (2026-01-13); on Vertex it is unknown, so not listed. */
const RESOLUTIONS: readonly string[] = ['720p', '1080p'];

const RETIRED = { since: '2026-06-30', source: 'reference/vertex-veo.md (Google model versions page)' };
const VEO_3_1 = { durations: DURATIONS, defaultDuration: 8, aspectRatios: RATIOS, resolutions: RESOLUTIONS, referenceImage: true, tailImage: true, audio: true };

/*
 * No `price`: reference/vertex-veo.md carries no Vertex price, and a remembered figure is no
 * source. Plans say "unknown" until a dated, sourced one is added here; meanwhile `pricing:`
 * in the manifest can give one (per_second, by_resolution, and an `audio` rate).
 */

const MODELS: readonly ModelInfo[] = [
  { id: 'veo-3.1-generate-001', ...VEO_3_1 },
  { id: 'veo-3.1-fast-generate-001', ...VEO_3_1 },
  // Third parties list it; Google's model pages do not (yet): nothing is enforced for it.
  { id: 'veo-3.1-lite-generate-001', referenceImage: true, audio: true, note: 'listed by LiteLLM and Comfy Router, unconfirmed in Model Garden' },
  { id: 'veo-3.0-generate-001', audio: true, retired: { ...RETIRED, replacement: 'veo-3.1-generate-001' } },
  { id: 'veo-3.0-fast-generate-001', audio: true, retired: { ...RETIRED, replacement: 'veo-3.1-fast-generate-001' } },
  { id: 'veo-2.0-generate-001', audio: false, retired: { ...RETIRED, replacement: 'veo-3.1-generate-001' } },
];

/**
 * `parameters` fields videogen sets from shot fields (and settings); `options`, which go into
 * `parameters` as well, must not override them.
 */
const RESERVED_PARAMETERS: Readonly<Record<string, string>> = {
  aspectRatio: 'aspect_ratio',
  durationSeconds: 'duration',
  resolution: 'resolution',
  generateAudio: 'audio',
  seed: 'seed',
  // One video per shot: more takes of a shot are `takes: N`, each its own job.
  sampleCount: 'takes',
};

const PROJECT = /^(?:[a-z][a-z0-9.:-]{4,61}[a-z0-9]|\d{1,20})$/;
const LOCATION = /^[a-z][a-z0-9-]{0,62}$/;
const GCS_PREFIX = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](?:\/[^\n\r#?[\]*]*)?$/;

const settings = {
  project: z
    .string()
    .regex(PROJECT, 'expected a Google Cloud project id (my-project-123) or number')
    .describe('vertex-veo only, required: the Google Cloud project whose Vertex AI quota and billing the jobs use.'),
  location: z
    .string()
    .regex(LOCATION, 'expected a Google Cloud location such as us-central1, europe-west4, global, us or eu')
    .describe(`vertex-veo only: the Vertex AI location; it picks the endpoint (global, the us/eu multi-regions, or {location}-aiplatform). Default ${DEFAULT_LOCATION}.`),
  storage_uri: z
    .string()
    .regex(GCS_PREFIX, 'expected a Cloud Storage prefix such as gs://my-bucket/videos/')
    .describe(
      'vertex-veo only: where Vertex writes the videos (gs://bucket/prefix/; each shot gets <prefix><shot id>/), downloaded from there with the same token. ' +
        'Without it the video comes back inline as base64 in the poll answer.',
    ),
  storage_url: z
    .string()
    .min(1)
    .meta({ format: 'uri' })
    .describe(`vertex-veo only: the Cloud Storage JSON API that gs:// outputs are read through. Default ${DEFAULT_STORAGE_URL}; for proxies and emulators.`),
};

export function projectOf(config: ProviderConfig): string {
  return String(config.settings.project ?? '');
}

export function locationOf(config: ProviderConfig): string {
  return String(config.settings.location ?? DEFAULT_LOCATION);
}

/** The gs:// prefix outputs go under, with a trailing slash, or undefined for inline videos. */
export function storagePrefixOf(config: ProviderConfig): string | undefined {
  const written = config.settings.storage_uri;
  if (typeof written !== 'string') return undefined;
  return written.endsWith('/') ? written : `${written}/`;
}

/** Veo 3 makes sound and Vertex wants `generateAudio` said (REF: required on Veo 3), so it is on unless the model has none. */
function audioOf(shot: ShotRequest, model: string): boolean | undefined {
  if (shot.audio !== undefined) return shot.audio;
  return findModel(vertexVeoModule, model)?.audio === false ? undefined : true;
}

function checkModelLimits(shot: ShotRequest, model: ModelInfo | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const what = `${model?.id ?? 'vertex-veo'} takes`;
  if (shot.duration !== undefined && model?.durations) {
    const problem = valueNotIn('duration', shot.duration, model.durations, `${what} a duration of`, 'Veo makes clips of 4, 6 or 8 seconds');
    if (problem) problems.push(problem);
  } else if (shot.duration !== undefined && !Number.isInteger(shot.duration)) {
    problems.push({ field: 'duration', kind: 'value', message: `vertex-veo takes whole seconds (durationSeconds), not ${shot.duration}` });
  }
  if (shot.aspect_ratio !== undefined && model?.aspectRatios) {
    const problem = valueNotIn('aspect_ratio', shot.aspect_ratio, model.aspectRatios, `${what} an aspect ratio of`);
    if (problem) problems.push(problem);
  }
  if (shot.resolution !== undefined && model?.resolutions) {
    const hint = shot.resolution === '4k' ? '4k is documented for the Gemini API, not for Vertex AI' : undefined;
    const problem = valueNotIn('resolution', shot.resolution, model.resolutions, `${what} a resolution of`, hint);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Vertex takes an image inline or from gs://; it fetches no https URL. */
function refuseImageUrls(shot: ShotRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['reference_image', 'tail_image'] as const) {
    const value = shot[field];
    if (value === undefined || !/^https?:\/\//i.test(value)) continue;
    problems.push({
      field,
      kind: 'value',
      message: 'vertex-veo cannot send an https URL: Vertex AI takes images inline (or from gs://), never fetches them',
      hint: 'download the image into the manifest folder and give its path; videogen inlines it',
    });
  }
  return problems;
}

export const vertexVeoModule: ProviderModule = {
  type: 'vertex-veo',
  title: 'Google Veo 3.1 on Vertex AI (predictLongRunning, OAuth access tokens)',
  defaults: {
    baseUrl: vertexBaseUrl(DEFAULT_LOCATION),
    apiKeyEnv: 'GOOGLE_OAUTH_ACCESS_TOKEN',
    model: 'veo-3.1-fast-generate-001',
    // 50 requests a minute per project for the GA models (M31); a cap on jobs in flight is not documented.
    concurrency: 4,
    // Google's own samples poll every 10 to 15 s.
    poll: { initialMs: 10_000, maxMs: 15_000 },
    timeoutMs: 15 * 60_000,
  },
  auth: { kind: 'oauth', scope: VERTEX_SCOPE },
  emulatorPath: '/v1',
  // The emulator serves Cloud Storage beside the API (gs:// outputs are read from there).
  emulatorSettings: { storage_url: '/storage/v1' },
  settings,
  defaultBaseUrl: (written) => vertexBaseUrl(typeof written.location === 'string' ? written.location : DEFAULT_LOCATION),
  models: MODELS,
  // The reference names no list; PNG and JPEG are what Google's samples send.
  imageTypes: ['image/png', 'image/jpeg'],
  // No documented cap on inline images.
  imageLimit: () => undefined,
  checkSettings(config) {
    const problems: SettingProblem[] = [];
    if (config.settings.project === undefined) {
      problems.push({
        setting: 'project',
        message: 'missing required key `project`: vertex-veo needs the Google Cloud project to bill',
        hint: 'add `project: my-project-id` (gcloud config get-value project shows yours)',
      });
    }
    const storageUrl = config.settings.storage_url;
    if (typeof storageUrl === 'string') {
      const normalised = normaliseBaseUrl(storageUrl, 'storage_url');
      if (typeof normalised !== 'string') problems.push({ setting: 'storage_url', ...normalised });
    }
    return problems;
  },
  checkShot(shot) {
    const model = modelOf(vertexVeoModule, shot);
    const known = findModel(vertexVeoModule, model);
    return [
      ...refuseFields('vertex-veo', shot, ['aspect_ratio', 'duration', 'resolution', 'seed', 'audio', 'reference_image', 'tail_image'], {
        size: { why: 'Vertex takes an aspect ratio and a resolution', hint: 'set `aspect_ratio` ("16:9" or "9:16") and `resolution` ("720p" or "1080p")' },
      }),
      ...refuseImageUrls(shot),
      ...(known?.retired ? [] : checkModelLimits(shot, known)),
      ...refuseReservedOptions(shot.options, RESERVED_PARAMETERS),
      ...(shot.options && Object.hasOwn(shot.options, 'storageUri')
        ? [{ field: 'options' as const, kind: 'field' as const, optionKey: 'storageUri', message: 'options.storageUri would override the provider setting `storage_uri`', hint: 'set `storage_uri` on the provider entry instead' }]
        : []),
    ];
  },
  spec(shot, config) {
    const model = modelOf(vertexVeoModule, shot);
    const spec = baseSpec('vertex-veo', config, model, shot);
    // Defaults written out, so writing them hashes like leaving them out.
    spec.aspect_ratio = shot.aspect_ratio ?? '16:9';
    spec.duration = shot.duration ?? 8;
    spec.resolution = shot.resolution ?? '720p';
    const audio = audioOf(shot, model);
    if (audio !== undefined) spec.audio = audio;
    if (shot.seed !== undefined) spec.seed = shot.seed;
    return spec;
  },
  loadClient: async () => (await import('./client.js')).createVertexVeoProvider,
};
