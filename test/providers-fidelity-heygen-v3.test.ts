/**
 * Wire fidelity of the heygen-v3 provider: every `POST /v3/models/videos` body it sends,
 * from specs the module itself builds, validates against a JSON Schema written from the
 * field table of reference/heygen-v3.md §4 (kept here, apart from the client and the
 * emulator, so that neither can bend it).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import { specHash } from '../src/manifest/spec-hash.js';
import type { ImageSource, Shot } from '../src/manifest/types.js';
import { createHeygenV3Provider } from '../src/providers/heygen-v3/client.js';
import { heygenV3Module } from '../src/providers/heygen-v3/index.js';
import type { ShotRequest } from '../src/providers/module.js';
import { expectValid } from './helpers/schema.js';
import { pngBytes, providerConfig, startRecordingProxy, tempDir, writeImage } from './providers-helpers.js';

const ASSET = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'url'],
      additionalProperties: false,
      properties: { type: { const: 'url' }, url: { type: 'string', pattern: '^https://' } },
    },
    {
      type: 'object',
      required: ['type', 'asset_id'],
      additionalProperties: false,
      properties: { type: { const: 'asset_id' }, asset_id: { type: 'string', minLength: 1 } },
    },
    {
      type: 'object',
      required: ['type', 'media_type', 'data'],
      additionalProperties: false,
      properties: { type: { const: 'base64' }, media_type: { type: 'string' }, data: { type: 'string' } },
    },
  ],
};

/** §4, row by row. */
const CREATE_CLIP = {
  type: 'object',
  required: ['model', 'mode', 'prompt'],
  additionalProperties: false,
  properties: {
    model: { const: 'heygen-video-1' },
    mode: { enum: ['text_to_video', 'image_to_video', 'reference_to_video'] },
    prompt: { type: 'string', minLength: 1, maxLength: 16_000 },
    duration: { type: 'integer', minimum: 5, maximum: 15 },
    resolution: { enum: ['480p', '768p', '1080p', '2k'] },
    aspect_ratio: { enum: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16', 'adaptive'] },
    seed: { anyOf: [{ type: 'integer', minimum: 0, maximum: 4_294_967_295 }, { type: 'null' }] },
    prompt_enhancement: { enum: ['turbo', 'quality', 'default', 'disabled'] },
    image: ASSET,
    reference_images: { type: 'array', maxItems: 9, items: ASSET },
    reference_videos: { type: 'array', maxItems: 3, items: ASSET },
    reference_audio: { type: 'array', maxItems: 3, items: ASSET },
    callback_url: { type: 'string', pattern: '^https://' },
    callback_id: { type: 'string' },
  },
  allOf: [
    // image_to_video needs `image`; only it takes one.
    { if: { properties: { mode: { const: 'image_to_video' } } }, then: { required: ['image'] }, else: { not: { required: ['image'] } } },
    // References belong to reference_to_video, which needs an image or video among them.
    {
      if: { properties: { mode: { const: 'reference_to_video' } } },
      then: { anyOf: [{ required: ['reference_images'] }, { required: ['reference_videos'] }] },
      else: { not: { anyOf: [{ required: ['reference_images'] }, { required: ['reference_videos'] }, { required: ['reference_audio'] }] } },
    },
    // `adaptive` is reference mode's; 1080p and 2k need 16:9 or 9:16 (adaptive left to the API).
    { if: { properties: { mode: { const: 'reference_to_video' } } }, else: { properties: { aspect_ratio: { not: { const: 'adaptive' } } } } },
    {
      if: { required: ['resolution'], properties: { resolution: { enum: ['1080p', '2k'] } } },
      then: { properties: { aspect_ratio: { enum: ['16:9', '9:16', 'adaptive'] } } },
    },
  ],
};

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let http: HttpClient;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let local: ImageSource;
let validate: ValidateFunction;
const signal = new AbortController().signal;

beforeAll(async () => {
  emu = await startEmulator({ latencyMs: 100, seed: 3 });
  proxy = await startRecordingProxy(emu.url);
  http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
  tmp = await tempDir('fidelity-v3');
  local = await writeImage(tmp.dir, 'first-frame.png', pngBytes(8, 8));
  // The conditional rules name properties declared once at the top, which strict mode would want repeated in every branch.
  validate = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }).compile(CREATE_CLIP);
});

afterAll(async () => {
  await http.close();
  await proxy.close();
  await emu.close();
  await tmp.remove();
});

const config = () => providerConfig('heygen-v3', proxy.url, { name: 'hg3', apiKeyEnv: 'HEYGEN_API_KEY' });

/** A shot as apply has it: the spec from the module itself, the image as the manifest resolved it. */
function shotFrom(id: string, request: Omit<ShotRequest, 'prompt'> & { prompt?: string }, referenceImage?: ImageSource): Shot {
  const spec = heygenV3Module.spec({ prompt: `prompt of ${id}`, ...request }, { ...config(), emulate: true });
  expect(heygenV3Module.checkShot({ prompt: 'p', ...request }, config()), `${id} is a valid shot`).toEqual([]);
  return { id, providerName: 'hg3', spec, specHash: specHash(spec), tags: [], output: `out/${id}.mp4`, ...(referenceImage ? { referenceImage } : {}) };
}

/** Submits one shot through the recording proxy and returns the JSON body it sent. */
async function capture(shot: Shot): Promise<Record<string, unknown>> {
  const provider = createHeygenV3Provider(config(), { http, apiKey: 'hg-fidelity-key' });
  const before = proxy.records.length;
  const { jobId } = await provider.submit(shot, { signal, idempotencyKey: `vg-${shot.id}-1` });
  expect(jobId).toMatch(/\S/);
  const sent = proxy.records.slice(before).filter((r) => r.method === 'POST' && r.path === '/v3/models/videos');
  expect(sent).toHaveLength(1);
  expect(sent[0]!.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(sent[0]!.body.toString('utf8')) as Record<string, unknown>;
}

describe('heygen-v3 request bodies validate against the reference’s field table', () => {
  it('text_to_video with every default written out by the spec', async () => {
    const body = await capture(shotFrom('defaults', {}));
    expect(body).toEqual({ model: 'heygen-video-1', mode: 'text_to_video', prompt: 'prompt of defaults', duration: 5, resolution: '768p', aspect_ratio: '16:9' });
    expectValid(validate, body, 'defaults');
  });

  it.each([
    ['widest, longest', { duration: 15, resolution: '480p', aspect_ratio: '21:9', seed: 0 }],
    ['2k vertical', { duration: 10, resolution: '2k', aspect_ratio: '9:16', seed: 4_294_967_295 }],
    ['1080p with options', { resolution: '1080p', options: { prompt_enhancement: 'turbo', callback_url: 'https://example.com/hook', callback_id: 'c1' } }],
  ] as const)('text_to_video: %s', async (name, request) => {
    expectValid(validate, await capture(shotFrom(name.replace(/\W+/g, '-'), request)), name);
  });

  it('image_to_video from a local file: an asset_id union, no ratio', async () => {
    const body = await capture(shotFrom('local-image', { reference_image: (local as { sha256: string }).sha256, duration: 6 }, local));
    expect(body.image).toEqual({ type: 'asset_id', asset_id: expect.any(String) });
    expect(body).not.toHaveProperty('aspect_ratio');
    expectValid(validate, body, 'local image');
  });

  it('image_to_video from an https URL: a url union', async () => {
    const url = 'https://example.com/frame.jpg';
    const body = await capture(shotFrom('url-image', { reference_image: url, resolution: '1080p' }, { kind: 'url', url }));
    expect(body.image).toEqual({ type: 'url', url });
    expectValid(validate, body, 'url image');
  });

  it('reference_to_video through options', async () => {
    const options = { mode: 'reference_to_video', reference_images: [{ type: 'url', url: 'https://example.com/a.png' }] };
    const body = await capture(shotFrom('references', { options }));
    expect(body).toMatchObject({ mode: 'reference_to_video', reference_images: options.reference_images });
    expect(body).not.toHaveProperty('aspect_ratio');
    expectValid(validate, body, 'references');
  });

  it('the schema itself refuses what the table refuses (the harness is sound)', () => {
    const good = { model: 'heygen-video-1', mode: 'text_to_video', prompt: 'x' };
    expect(validate(good)).toBe(true);
    const bad: Array<Record<string, unknown>> = [
      { ...good, model: 'veo_3_1' },
      { ...good, duration: '5' },
      { ...good, duration: 16 },
      { ...good, resolution: '1080p', aspect_ratio: '1:1' },
      { ...good, aspect_ratio: 'adaptive' },
      { ...good, mode: 'image_to_video' },
      { ...good, mode: 'image_to_video', image: { asset_id: 'bare' } },
      { ...good, image: { type: 'url', url: 'https://example.com/a.png' } },
      { ...good, mode: 'reference_to_video' },
      { ...good, aspectRatio: '16:9' },
    ];
    for (const body of bad) expect(validate(body), JSON.stringify(body)).toBe(false);
  });
});
