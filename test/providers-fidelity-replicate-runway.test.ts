/**
 * Wire fidelity of the replicate and runway providers: every request they send for a range of
 * manifest shots, captured by a recording proxy in front of the emulator, validates against
 * the shapes of reference/replicate-and-runway.md, written out below as JSON Schemas.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ImageSource, ProviderConfig } from '../src/manifest/types.js';
import type { ProviderModule } from '../src/providers/module.js';
import { createReplicateProvider } from '../src/providers/replicate/client.js';
import { replicateModule } from '../src/providers/replicate/index.js';
import { createRunwayProvider } from '../src/providers/runway/client.js';
import { runwayModule } from '../src/providers/runway/index.js';
import type { ProviderFactory } from '../src/providers/types.js';
import { moduleShot, type ShotImages } from './helpers/module-shot.js';
import { expectValid } from './helpers/schema.js';
import { pngBytes, providerConfig, useProviderHarness, writeImage, type RecordedRequest } from './providers-helpers.js';

const signal = new AbortController().signal;
const harness = useProviderHarness('fidelity-replicate-runway');
const ajv = new Ajv2020({ allErrors: true, strict: true });

const URI = { type: 'string', pattern: '^(https?://|data:image/(png|jpeg|webp);base64,)' } as const;

/**
 * Replicate, "Create": `input` (model-specific), optional `webhook` and
 * `webhook_events_filter`; `version` only on `POST /v1/predictions`. Nothing else.
 */
const replicateBody = (withVersion: boolean) =>
  ajv.compile({
    type: 'object',
    required: withVersion ? ['version', 'input'] : ['input'],
    additionalProperties: false,
    properties: {
      ...(withVersion ? { version: { type: 'string', minLength: 1 } } : {}),
      input: { type: 'object' },
      webhook: { type: 'string' },
      webhook_events_filter: { type: 'array', items: { enum: ['start', 'output', 'logs', 'completed'] } },
    },
  });

/**
 * google/veo-3.1's input as the reference's example writes it (prompt, image, duration,
 * aspect_ratio, resolution, generate_audio) with Veo 3.1's lists, plus `last_frame` and `seed`,
 * which the reference does not show ([?]: Replicate's model page names them).
 */
const VEO_INPUT = ajv.compile({
  type: 'object',
  required: ['prompt'],
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1 },
    image: URI,
    last_frame: URI,
    duration: { enum: [4, 6, 8] },
    aspect_ratio: { enum: ['16:9', '9:16'] },
    resolution: { enum: ['720p', '1080p'] },
    generate_audio: { type: 'boolean' },
    seed: { type: 'integer' },
    negative_prompt: { type: 'string' },
  },
});

/** Runway, "Create": the fields the SDK's create params name, ratio as W:H pixels, promptImage a URI or first/last list. */
const RUNWAY_BODY = ajv.compile({
  type: 'object',
  required: ['model', 'promptText'],
  additionalProperties: false,
  properties: {
    model: { type: 'string' },
    promptText: { type: 'string', minLength: 1, maxLength: 3500 },
    promptImage: {
      oneOf: [
        URI,
        {
          type: 'array',
          minItems: 1,
          maxItems: 2,
          items: { type: 'object', required: ['uri', 'position'], additionalProperties: false, properties: { uri: URI, position: { enum: ['first', 'last'] } } },
        },
      ],
    },
    // Pixels, not a shape: `1280:720`, never `16:9`.
    ratio: { type: 'string', pattern: '^[1-9][0-9]{2,3}:[1-9][0-9]{2,3}$' },
    duration: { type: 'integer', minimum: 1 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    audio: { type: 'boolean' },
    resolution: { enum: ['720P', '1080P'] },
    negativePrompt: { type: 'string' },
    contentModeration: { type: 'object', additionalProperties: false, properties: { publicFigureThreshold: { enum: ['auto', 'low'] } } },
  },
});

/** The reference's Runway table: ratios per model and endpoint, durations. */
const RUNWAY_TABLE: Record<string, { i2v: string[]; t2v: string[]; durations?: number[] }> = {
  'gen4.5': { i2v: ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'], t2v: ['1280:720', '720:1280'], durations: [2, 3, 4, 5, 6, 7, 8, 9, 10] },
  gen4_turbo: { i2v: ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'], t2v: [] },
  'veo3.1': { i2v: ['1280:720', '720:1280', '1080:1920', '1920:1080'], t2v: ['1280:720', '720:1280', '1080:1920', '1920:1080'], durations: [4, 6, 8] },
  veo3: { i2v: ['1280:720', '720:1280', '1080:1920', '1920:1080'], t2v: ['1280:720', '720:1280', '1080:1920', '1920:1080'], durations: [8] },
};

async function capture(module: ProviderModule, factory: ProviderFactory, path: string, settings: Record<string, unknown>, shots: Array<[string, Parameters<typeof moduleShot>[3], ShotImages?]>) {
  const { proxy, http } = await harness.startProxied({ latencyMs: 50, seed: 1 });
  const cfg: ProviderConfig = providerConfig(module.type, `${proxy.url}${path}`, { name: module.type, apiKeyEnv: module.defaults.apiKeyEnv, settings });
  const provider = factory(cfg, { http, apiKey: `${module.type}-fidelity-key` });
  for (const [id, request, images] of shots) {
    const { jobId } = await provider.submit(moduleShot(module, cfg, id, request, images), { signal });
    expect(jobId).toMatch(/\S/);
  }
  return proxy.records;
}

const json = (record: RecordedRequest): Record<string, unknown> => JSON.parse(record.body.toString('utf8')) as Record<string, unknown>;

describe('replicate requests match the reference', () => {
  it('sends official models to their endpoint, versions to /predictions, never Prefer: wait', async () => {
    const small = await writeImage(harness.dir, 'small.png', pngBytes(8, 8));
    const large = await writeImage(harness.dir, 'large.png', Buffer.concat([pngBytes(8, 8), Buffer.alloc(300 * 1024)]));
    const url: ImageSource = { kind: 'url', url: 'https://example.com/pier.jpg' };
    const records = await capture(replicateModule, createReplicateProvider, '/v1', {}, [
      ['defaults', {}],
      ['written', { duration: 4, aspect_ratio: '9:16', resolution: '720p', audio: false, seed: 42 }],
      ['images', { duration: 6 }, { referenceImage: small, tailImage: large }],
      ['url', {}, { referenceImage: url }],
      ['options', { options: { negative_prompt: 'blur' } }],
      ['version', { model: `someone/video-model:${'d'.repeat(64)}`, duration: 5, options: { fps: 24 } }],
    ]);
    const creates = records.filter((r) => r.method === 'POST' && r.path.endsWith('/predictions'));
    expect(creates).toHaveLength(6);
    for (const record of records) {
      expect(record.headers.prefer).toBeUndefined();
      expect(record.headers.authorization).toBe('Bearer replicate-fidelity-key');
    }
    const official = creates.filter((r) => r.path === '/v1/models/google/veo-3.1/predictions');
    expect(official).toHaveLength(5);
    for (const record of official) {
      expect(record.headers['content-type']).toMatch(/^application\/json/);
      const body = json(record);
      expectValid(replicateBody(false), body, record.path);
      expectValid(VEO_INPUT, body.input, 'veo input');
      const input = body.input as Record<string, string>;
      // The ≤256 KB rule: a data URL only for small files, the rest uploaded.
      for (const name of ['image', 'last_frame']) {
        if (input[name]?.startsWith('data:')) expect(Buffer.from(input[name].split(',')[1]!, 'base64').length).toBeLessThanOrEqual(256 * 1024);
      }
    }
    expect(json(official[0]!).input).toEqual({ prompt: 'prompt for defaults', duration: 8, aspect_ratio: '16:9', resolution: '1080p', generate_audio: true });
    expect((json(official[2]!).input as Record<string, string>).last_frame).toMatch(/\/v1\/files\/[0-9a-f]+$/);
    const version = creates.find((r) => r.path === '/v1/predictions')!;
    expectValid(replicateBody(true), json(version), 'version');
    expect(json(version)).toEqual({ version: 'd'.repeat(64), input: { fps: 24, prompt: 'prompt for version', duration: 5 } });
    // Negative controls: the schemas do refuse what the API would.
    expect(replicateBody(false)({ input: {}, version: 'x' })).toBe(false);
    expect(VEO_INPUT({ prompt: 'p', duration: 5 })).toBe(false);
    expect(VEO_INPUT({ prompt: 'p', generate_audio: 'yes' })).toBe(false);
  });

  it('uploads a large image as multipart with the file in `content`', async () => {
    const large = await writeImage(harness.dir, 'upload.png', Buffer.concat([pngBytes(8, 8), Buffer.alloc(300 * 1024)]));
    const records = await capture(replicateModule, createReplicateProvider, '/v1', {}, [['big', {}, { referenceImage: large }]]);
    const upload = records.find((r) => r.path === '/v1/files')!;
    expect(upload.method).toBe('POST');
    const form = await new Response(upload.body, { headers: { 'content-type': String(upload.headers['content-type']) } }).formData();
    const content = form.get('content') as File;
    expect(content.name).toBe('upload.png');
    expect(content.type).toBe('image/png');
    expect(content.size).toBe(large.kind === 'file' ? large.bytes : 0);
  });
});

describe('runway requests match the reference', () => {
  it('picks the endpoint by the image, sends pixel ratios from the model\'s list and X-Runway-Version', async () => {
    const first = await writeImage(harness.dir, 'first.png', pngBytes(8, 8));
    const last = await writeImage(harness.dir, 'last.png', pngBytes(8, 8, [1, 2, 3]));
    const records = await capture(runwayModule, createRunwayProvider, '', {}, [
      ['t2v', {}],
      ['t2v-vertical', { aspect_ratio: '9:16', duration: 10, seed: 9 }],
      ['i2v-square', { aspect_ratio: '1:1' }, { referenceImage: first }],
      ['turbo-wide', { model: 'gen4_turbo', aspect_ratio: '21:9' }, { referenceImage: { kind: 'url', url: 'https://example.com/cat.jpg' } }],
      ['veo-hd', { model: 'veo3.1', resolution: '1080p', duration: 4, audio: true }, { referenceImage: first, tailImage: last }],
      ['veo3', { model: 'veo3', aspect_ratio: '9:16', audio: false }],
      ['horse', { model: 'happyhorse_1_0', resolution: '1080p', options: { contentModeration: { publicFigureThreshold: 'low' } } }, { referenceImage: first }],
    ]);
    const creates = records.filter((r) => r.method === 'POST');
    expect(creates.map((r) => r.path)).toEqual([
      '/v1/text_to_video',
      '/v1/text_to_video',
      '/v1/image_to_video',
      '/v1/image_to_video',
      '/v1/image_to_video',
      '/v1/text_to_video',
      '/v1/image_to_video',
    ]);
    for (const record of records) {
      expect(record.headers['x-runway-version']).toBe('2024-11-06');
      expect(record.headers.authorization).toBe('Bearer runway-fidelity-key');
    }
    const bodies = creates.map(json);
    for (const [index, body] of bodies.entries()) {
      expectValid(RUNWAY_BODY, body, creates[index]!.path);
      const table = RUNWAY_TABLE[body.model as string];
      if (table && body.ratio !== undefined) expect(creates[index]!.path.endsWith('image_to_video') ? table.i2v : table.t2v).toContain(body.ratio);
      if (table?.durations && body.duration !== undefined) expect(table.durations).toContain(body.duration);
      if (typeof body.promptImage === 'string' && body.promptImage.startsWith('data:')) expect(body.promptImage.length).toBeLessThanOrEqual(5_000_000);
    }
    expect(bodies.map((b) => b.ratio)).toEqual(['1280:720', '720:1280', '960:960', '1584:672', '1920:1080', '720:1280', undefined]);
    expect(bodies[0]).toEqual({ model: 'gen4.5', promptText: 'prompt for t2v', ratio: '1280:720', duration: 5 });
    expect(bodies[4]!.promptImage).toEqual([
      { uri: expect.stringMatching(/^data:image\/png;base64,/), position: 'first' },
      { uri: expect.stringMatching(/^data:image\/png;base64,/), position: 'last' },
    ]);
    expect(bodies[6]).toMatchObject({ resolution: '1080P', contentModeration: { publicFigureThreshold: 'low' } });
    expect(RUNWAY_BODY({ ...bodies[0], ratio: '16:9' })).toBe(false);
    expect(RUNWAY_BODY({ ...bodies[0], promptImage: [{ uri: 'https://e.com/a.png', position: 'middle' }] })).toBe(false);
  });
});
