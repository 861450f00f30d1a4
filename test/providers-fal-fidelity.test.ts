/**
 * Wire fidelity of the fal provider: every request body it sends, for every documented model,
 * validates against that model's inputs as reference/fal-queue.md documents them ("Four video
 * models"), written here as JSON Schemas that refuse any field the document does not name. The
 * shots go through the module's own checks and spec, as a manifest's would.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import type { ImageSource, Shot } from '../src/manifest/types.js';
import { createFalProvider } from '../src/providers/fal/client.js';
import { FAL_MODELS, falModule } from '../src/providers/fal/index.js';
import type { ShotRequest } from '../src/providers/module.js';
import { FAL_KEY, falConfig } from './fal-helpers.js';
import { expectValid } from './helpers/schema.js';
import { pngBytes, startRecordingProxy, tempDir, writeImage, type RecordedRequest } from './providers-helpers.js';

const url = { type: 'string', pattern: '^https?://' } as const;
const strings = (...values: string[]) => ({ type: 'string', enum: values }) as const;
const seconds = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

const veoInputs = {
  prompt: { type: 'string', minLength: 1 },
  duration: strings('4s', '6s', '8s'),
  aspect_ratio: strings('16:9', '9:16'),
  resolution: strings('720p', '1080p', '4k'),
  generate_audio: { type: 'boolean' },
  negative_prompt: { type: 'string' },
  seed: { type: 'integer' },
  safety_tolerance: strings(...seconds(1, 6)),
};
const klingInputs = {
  prompt: { type: 'string', minLength: 1 },
  duration: strings(...seconds(3, 15)),
  generate_audio: { type: 'boolean' },
  multi_prompt: { type: 'array' },
  cfg_scale: { type: 'number' },
};
const seedanceInputs = {
  prompt: { type: 'string', minLength: 1 },
  duration: strings('auto', ...seconds(4, 15)),
  aspect_ratio: strings('auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'),
  resolution: strings('480p', '720p', '1080p', '4k'),
};
const schema = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', additionalProperties: false, required, properties });

/** Each documented model's input, from the reference's table. */
const MODEL_INPUTS: Record<string, object> = {
  'fal-ai/veo3.1': schema(veoInputs, ['prompt']),
  'fal-ai/veo3.1/fast': schema(veoInputs, ['prompt']),
  'fal-ai/veo3.1/lite': schema({ ...veoInputs, resolution: strings('720p', '1080p') }, ['prompt']),
  'fal-ai/veo3.1/image-to-video': schema({ ...veoInputs, aspect_ratio: strings('auto', '16:9', '9:16'), image_url: url }, ['prompt', 'image_url']),
  'fal-ai/kling-video/v3/pro/image-to-video': schema({ ...klingInputs, start_image_url: url, end_image_url: url }, ['prompt', 'start_image_url']),
  'fal-ai/kling-video/v3/pro/text-to-video': schema({ ...klingInputs, aspect_ratio: strings('16:9', '9:16', '1:1') }, ['prompt']),
  'bytedance/seedance-2.0/image-to-video': schema({ ...seedanceInputs, image_url: url, end_image_url: url }, ['prompt', 'image_url']),
  'bytedance/seedance-2.0/fast/image-to-video': schema({ ...seedanceInputs, image_url: url, end_image_url: url }, ['prompt', 'image_url']),
  'bytedance/seedance-2.0/text-to-video': schema(seedanceInputs, ['prompt']),
  'bytedance/seedance-2.0/fast/text-to-video': schema(seedanceInputs, ['prompt']),
  'fal-ai/minimax/hailuo-2.3/pro/image-to-video': schema({ prompt: { type: 'string', minLength: 1 }, image_url: url, prompt_optimizer: { type: 'boolean' } }, ['prompt', 'image_url']),
};

/** The storage REST host's upload request (reference/fal-queue.md, "Image inputs"). */
const INITIATE_BODY = schema({ content_type: { type: 'string', pattern: '^image/' }, file_name: { type: 'string', minLength: 1 } }, ['content_type', 'file_name']);

let emu: RunningEmulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let http: HttpClient;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let localImage: ImageSource;
const validators = new Map<string, ValidateFunction>();
const signal = new AbortController().signal;

beforeAll(async () => {
  emu = await startEmulator({ latencyMs: 100, seed: 12 });
  proxy = await startRecordingProxy(emu.url);
  http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
  tmp = await tempDir('fal-fidelity');
  localImage = await writeImage(tmp.dir, 'first-frame.png', pngBytes(8, 8));
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  for (const [model, inputs] of Object.entries(MODEL_INPUTS)) validators.set(model, ajv.compile(inputs));
  validators.set('initiate', ajv.compile(INITIATE_BODY));
});

afterAll(async () => {
  await http.close();
  await proxy.close();
  await emu.close();
  await tmp.remove();
});

const config = () => falConfig(proxy.url);

/** A shot as a manifest would make it: checked by the module (no problems allowed), its spec from the module. */
function shotOf(id: string, request: Omit<ShotRequest, 'prompt'> & { prompt?: string }, images: { reference?: ImageSource; tail?: ImageSource } = {}): Shot {
  const specForm = (image: ImageSource | undefined) => (image === undefined ? undefined : image.kind === 'url' ? image.url : image.sha256);
  const full: ShotRequest = {
    prompt: `A shot for ${id}`,
    ...request,
    ...(images.reference ? { reference_image: specForm(images.reference)! } : {}),
    ...(images.tail ? { tail_image: specForm(images.tail)! } : {}),
  };
  expect(falModule.checkShot(full, config())).toEqual([]);
  const spec = falModule.spec(full, config());
  return { id, providerName: 'fal', spec, specHash: 'sha256:0', tags: [], output: `out/${id}.mp4`, ...(images.reference ? { referenceImage: images.reference } : {}), ...(images.tail ? { tailImage: images.tail } : {}) };
}

async function capture(shot: Shot): Promise<{ path: string; body: Record<string, unknown>; sent: RecordedRequest[] }> {
  const before = proxy.records.length;
  await createFalProvider(config(), { http, apiKey: FAL_KEY }).submit(shot, { signal });
  const sent = proxy.records.slice(before);
  const submits = sent.filter((r) => r.method === 'POST' && r.path.startsWith('/fal/queue/'));
  expect(submits).toHaveLength(1);
  expect(submits[0]!.headers.authorization).toBe(`Key ${FAL_KEY}`);
  expect(submits[0]!.headers['content-type']).toMatch(/^application\/json/);
  return { path: submits[0]!.path, body: JSON.parse(submits[0]!.body.toString('utf8')) as Record<string, unknown>, sent };
}

/** `body` validates against the documented inputs of `model`. */
function expectValidFor(model: string, body: unknown): void {
  const validate = validators.get(model);
  expect(validate, `no schema for ${model}`).toBeDefined();
  expectValid(validate!, body, model);
}

const remote = (href: string): ImageSource => ({ kind: 'url', url: href });

describe('fal request bodies validate against the documented inputs of each model', () => {
  it('has a schema for every documented model', () => {
    expect(Object.keys(MODEL_INPUTS).sort()).toEqual(FAL_MODELS.map((model) => model.id).sort());
  });

  it('Veo 3.1: "8s"-style durations, generate_audio, seed; the default duration written out', async () => {
    const t2v = await capture(shotOf('veo', { model: 'fal-ai/veo3.1', aspect_ratio: '9:16', resolution: '1080p', seed: 7, options: { negative_prompt: 'blur' } }));
    expect(t2v.path).toBe('/fal/queue/fal-ai/veo3.1');
    expect(t2v.body).toEqual({ negative_prompt: 'blur', prompt: 'A shot for veo', duration: '8s', aspect_ratio: '9:16', resolution: '1080p', seed: 7, generate_audio: true });
    expectValidFor('fal-ai/veo3.1', t2v.body);
    for (const model of ['fal-ai/veo3.1/fast', 'fal-ai/veo3.1/lite']) {
      const { body } = await capture(shotOf(model, { model, duration: 4, audio: false, resolution: '720p' }));
      expect(body).toMatchObject({ duration: '4s', generate_audio: false });
      expectValidFor(model, body);
    }
    const i2v = await capture(shotOf('veo-i2v', { model: 'fal-ai/veo3.1/image-to-video', duration: 6 }, { reference: remote('https://example.com/l.png') }));
    expect(i2v.body).toMatchObject({ image_url: 'https://example.com/l.png', duration: '6s' });
    expectValidFor('fal-ai/veo3.1/image-to-video', i2v.body);
    // Negative controls: the schemas refuse what the document rules out.
    expect(validators.get('fal-ai/veo3.1')!({ ...t2v.body, duration: 8 })).toBe(false);
    expect(validators.get('fal-ai/veo3.1/lite')!({ prompt: 'p', resolution: '4k' })).toBe(false);
    expect(validators.get('fal-ai/veo3.1/image-to-video')!({ prompt: 'p' })).toBe(false);
  });

  it('Kling v3: start_image_url and end_image_url, "5"-style durations, ratios on text to video only', async () => {
    const i2v = await capture(
      shotOf('kling', { model: 'fal-ai/kling-video/v3/pro/image-to-video', duration: 10, audio: true, options: { cfg_scale: 0.4 } }, { reference: localImage, tail: remote('https://example.com/end.png') }),
    );
    expect(i2v.body).toMatchObject({ duration: '10', generate_audio: true, cfg_scale: 0.4, end_image_url: 'https://example.com/end.png' });
    expect(String(i2v.body.start_image_url)).toMatch(/\/fal\/cdn\/files\/[0-9a-f]+\/first-frame\.png$/);
    expectValidFor('fal-ai/kling-video/v3/pro/image-to-video', i2v.body);
    expect(validators.get('fal-ai/kling-video/v3/pro/image-to-video')!({ ...i2v.body, image_url: 'https://example.com/a.png' })).toBe(false);
    const t2v = await capture(shotOf('kling-t2v', { model: 'fal-ai/kling-video/v3/pro/text-to-video', aspect_ratio: '1:1' }));
    expect(t2v.body).toEqual({ prompt: 'A shot for kling-t2v', duration: '5', aspect_ratio: '1:1' });
    expectValidFor('fal-ai/kling-video/v3/pro/text-to-video', t2v.body);
  });

  it('Seedance 2.0: image_url and end_image_url, its ratios and resolutions, 720p written out', async () => {
    for (const model of ['bytedance/seedance-2.0/image-to-video', 'bytedance/seedance-2.0/fast/image-to-video']) {
      const { body, path } = await capture(shotOf(model, { model, duration: 12, aspect_ratio: '21:9' }, { reference: remote('https://example.com/a.jpg'), tail: remote('https://example.com/b.jpg') }));
      expect(path).toBe(`/fal/queue/${model}`);
      expect(body).toEqual({ prompt: `A shot for ${model}`, duration: '12', aspect_ratio: '21:9', resolution: '720p', image_url: 'https://example.com/a.jpg', end_image_url: 'https://example.com/b.jpg' });
      expectValidFor(model, body);
    }
    for (const model of ['bytedance/seedance-2.0/text-to-video', 'bytedance/seedance-2.0/fast/text-to-video']) {
      const { body } = await capture(shotOf(model, { model, resolution: '4k', aspect_ratio: '3:4' }));
      expectValidFor(model, body);
    }
  });

  it('Hailuo 2.3 Pro: the image and the prompt, options for prompt_optimizer', async () => {
    const model = 'fal-ai/minimax/hailuo-2.3/pro/image-to-video';
    const { body } = await capture(shotOf('hailuo', { model, options: { prompt_optimizer: false } }, { reference: remote('https://example.com/h.webp') }));
    expect(body).toEqual({ prompt_optimizer: false, prompt: 'A shot for hailuo', image_url: 'https://example.com/h.webp' });
    expectValidFor(model, body);
  });

  it('uploads a local image as the document says: initiate on the REST host with the key, the bytes to the signed URL', async () => {
    const { sent } = await capture(shotOf('upload', { model: 'bytedance/seedance-2.0/image-to-video' }, { reference: await writeImage(tmp.dir, 'upload.png', pngBytes(5, 5)) }));
    const initiate = sent.find((r) => r.path === '/fal/rest/storage/upload/initiate?storage_type=fal-cdn-v3');
    expect(initiate?.headers.authorization).toBe(`Key ${FAL_KEY}`);
    const body = JSON.parse(initiate!.body.toString('utf8')) as unknown;
    expect(body).toEqual({ content_type: 'image/png', file_name: 'upload.png' });
    expect(validators.get('initiate')!(body)).toBe(true);
    // The PUT goes to the signed URL on the emulator itself (not through this proxy): its bytes arrived whole.
    const file = (JSON.parse(sent.find((r) => r.path.startsWith('/fal/queue/'))!.body.toString('utf8')) as { image_url: string }).image_url;
    expect(Buffer.from(await (await fetch(file)).arrayBuffer()).equals(pngBytes(5, 5))).toBe(true);
  });
});
