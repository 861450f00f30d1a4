/**
 * Wire fidelity of vertex-veo: shots from a real manifest (loaded, validated, specs built by the
 * module) are submitted, polled and downloaded through a recording proxy, and every request is
 * checked against the shapes of reference/vertex-veo.md ("Request body", "Polling"), written
 * down here as a JSON Schema: the test's own copy, so it cannot share a mistake with the client.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_ACCESS_TOKEN } from '../src/emulator/vertex/tokens.js';
import { loadManifest } from '../src/manifest/load.js';
import { createVertexVeoProvider } from '../src/providers/vertex-veo/client.js';
import { expectValid } from './helpers/schema.js';
import { pngBytes, pollUntilTerminal, sha256Hex, useProviderHarness, type RecordedRequest } from './providers-helpers.js';

const MEDIA = {
  type: 'object',
  additionalProperties: false,
  required: ['mimeType'],
  properties: {
    bytesBase64Encoded: { type: 'string', minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
    gcsUri: { type: 'string', pattern: '^gs://' },
    mimeType: { type: 'string', enum: ['image/png', 'image/jpeg'] },
  },
  oneOf: [{ required: ['bytesBase64Encoded'] }, { required: ['gcsUri'] }],
} as const;

/** `instances[0]` and `parameters` as the reference lists them (parameters the SDK maps included). */
const PREDICT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['instances', 'parameters'],
  properties: {
    instances: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prompt'],
        properties: { prompt: { type: 'string', minLength: 1 }, image: MEDIA, lastFrame: MEDIA },
      },
    },
    parameters: {
      type: 'object',
      additionalProperties: false,
      // REF marks durationSeconds required, and generateAudio required on Veo 3 models.
      required: ['durationSeconds', 'generateAudio', 'sampleCount'],
      properties: {
        aspectRatio: { enum: ['16:9', '9:16'] },
        durationSeconds: { type: 'integer', enum: [4, 6, 8] },
        resolution: { enum: ['720p', '1080p'] },
        // One video per shot: takes are separate jobs.
        sampleCount: { const: 1 },
        generateAudio: { type: 'boolean' },
        seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
        negativePrompt: { type: 'string' },
        enhancePrompt: { type: 'boolean' },
        personGeneration: { enum: ['allow_adult', 'dont_allow', 'allow_all'] },
        storageUri: { type: 'string', pattern: '^gs://[^/]+/.*/$' },
        fps: { type: 'integer' },
        compressionQuality: { type: 'string' },
        resizeMode: { type: 'string' },
        pubsubTopic: { type: 'string' },
      },
    },
  },
} as const;

const FETCH_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['operationName'],
  properties: { operationName: { type: 'string', pattern: '^projects/[^/]+/locations/[^/]+/publishers/google/models/[^/]+/operations/[^/]+$' } },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validPredict = ajv.compile(PREDICT_BODY);
const validFetch = ajv.compile(FETCH_BODY);
const PREDICT_PATH = /^\/v1\/projects\/([a-z0-9-]+)\/locations\/([a-z0-9-]+)\/publishers\/google\/models\/([a-z0-9.-]+):predictLongRunning$/;

const harness = useProviderHarness('vertex-fidelity');
const signal = new AbortController().signal;

function json(record: RecordedRequest): Record<string, unknown> {
  expect(record.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(record.body.toString('utf8')) as Record<string, unknown>;
}

describe('vertex-veo requests match reference/vertex-veo.md', () => {
  it('predictLongRunning, fetchPredictOperation and Cloud Storage reads, for every kind of shot', async () => {
    const { emu, proxy, http } = await harness.startProxied({ latencyMs: 100, seed: 2 });
    const image = pngBytes(8, 8, [10, 120, 200]);
    await writeFile(path.join(harness.dir, 'first.png'), image);
    const manifestFile = path.join(harness.dir, 'shots.yaml');
    await writeFile(
      manifestFile,
      `version: 1
providers:
  veo:
    type: vertex-veo
    base_url: ${proxy.url}/v1
    project: fidelity-project
    location: europe-west4
    storage_url: ${proxy.url}/storage/v1
  stored:
    type: vertex-veo
    base_url: ${proxy.url}/v1
    project: fidelity-project
    storage_uri: gs://fidelity-bucket/runs/q4
    storage_url: ${proxy.url}/storage/v1
defaults: { provider: veo }
shots:
  - { id: text-only, prompt: "  A paper boat drifts down a rainy gutter\\n" }
  - { id: every-field, prompt: A kite over dunes, model: veo-3.1-generate-001, aspect_ratio: "9:16", duration: 4, resolution: 1080p, seed: 4294967295, audio: false }
  - { id: frames, prompt: The product turns, reference_image: first.png, tail_image: first.png, duration: 6 }
  - { id: options, prompt: A city at dusk, options: { negativePrompt: blur, personGeneration: dont_allow, enhancePrompt: true } }
  - { id: stored, provider: stored, prompt: A forest }
`,
    );
    const manifest = await loadManifest(manifestFile);
    for (const shot of manifest.shots) {
      const provider = createVertexVeoProvider(manifest.providers.get(shot.providerName)!, { http, apiKey: EMULATOR_ACCESS_TOKEN });
      const { jobId } = await provider.submit(shot, { signal });
      const result = await pollUntilTerminal(provider, jobId);
      expect(result.state, shot.id).toBe('completed');
      await provider.download(result.job!, path.join(harness.dir, `${shot.id}.mp4`), { signal, maxBytes: 1 << 26 });
    }

    const predicts = proxy.records.filter((r) => r.path.endsWith(':predictLongRunning'));
    expect(predicts).toHaveLength(manifest.shots.length);
    const bodies = new Map<string, Record<string, any>>();
    for (const [index, record] of predicts.entries()) {
      const id = manifest.shots[index]!.id;
      const body = json(record);
      expectValid(validPredict, body, id);
      bodies.set(id, body);
      const [, project, location, model] = PREDICT_PATH.exec(record.path) ?? [];
      expect({ project, location, model }).toEqual({
        project: 'fidelity-project',
        location: id === 'stored' ? 'us-central1' : 'europe-west4',
        model: id === 'every-field' ? 'veo-3.1-generate-001' : 'veo-3.1-fast-generate-001',
      });
    }
    // Defaults written out; the prompt as the spec holds it (trimmed).
    expect(bodies.get('text-only')).toEqual({
      instances: [{ prompt: 'A paper boat drifts down a rainy gutter' }],
      parameters: { aspectRatio: '16:9', durationSeconds: 8, resolution: '720p', sampleCount: 1, generateAudio: true },
    });
    expect(bodies.get('every-field')!.parameters).toEqual({
      aspectRatio: '9:16',
      durationSeconds: 4,
      resolution: '1080p',
      sampleCount: 1,
      generateAudio: false,
      seed: 4294967295,
    });
    const frames = bodies.get('frames')!.instances[0];
    for (const frame of [frames.image, frames.lastFrame]) {
      expect(frame.mimeType).toBe('image/png');
      expect(sha256Hex(Buffer.from(frame.bytesBase64Encoded, 'base64'))).toBe(sha256Hex(image));
    }
    expect(bodies.get('options')!.parameters).toMatchObject({ negativePrompt: 'blur', personGeneration: 'dont_allow', enhancePrompt: true });
    expect(bodies.get('stored')!.parameters.storageUri).toBe('gs://fidelity-bucket/runs/q4/stored/');

    // Polls name the operation in the body, at the model path cut from it.
    const fetches = proxy.records.filter((r) => r.path.endsWith(':fetchPredictOperation'));
    expect(fetches.length).toBeGreaterThanOrEqual(manifest.shots.length);
    for (const record of fetches) {
      const body = json(record);
      expectValid(validFetch, body, record.path);
      const name = body.operationName as string;
      expect(record.path).toBe(`/v1/${name.slice(0, name.indexOf('/operations/'))}:fetchPredictOperation`);
    }

    // The stored video is read through the JSON API: the object name is one encoded segment.
    const reads = proxy.records.filter((r) => r.path.startsWith('/storage/v1/'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.method).toBe('GET');
    expect(reads[0]!.path).toMatch(/^\/storage\/v1\/b\/fidelity-bucket\/o\/runs%2Fq4%2Fstored%2F[^/]+%2Fsample_0\.mp4\?alt=media$/);

    // Every request carried the token as a Bearer, and nothing else that looks like a credential.
    for (const record of proxy.records) {
      expect(record.headers.authorization, record.path).toBe(`Bearer ${EMULATOR_ACCESS_TOKEN}`);
      expect(Object.keys(record.headers).filter((name) => /key|token|goog/i.test(name))).toEqual([]);
    }
    expect(emu.stats().jobs.created).toBe(manifest.shots.length);
  });
});
