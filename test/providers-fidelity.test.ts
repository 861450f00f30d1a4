/**
 * Wire fidelity of the OpenAI-compatible provider:
 * 1. every `POST /videos` body it sends, in each dialect, validates against the schemas in
 *    OpenAI's own OpenAPI document (reference/openai-videos.openapi.yaml), or, for the
 *    Huixingyun `string` dialect, against the field table of Huixingyun's page;
 * 2. the official `openai` SDK works against the emulator, so the emulator speaks the
 *    same API our provider is tested against.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import type { ImageSource, Spec } from '../src/manifest/types.js';
import type { ReferenceFormat } from '../src/providers/openai-videos/index.js';
import { createOpenAiVideosProvider } from '../src/providers/openai-videos/client.js';
import {
  pngBytes,
  pollUntilTerminal,
  providerConfig,
  shot,
  startRecordingProxy,
  tempDir,
  writeImage,
  type RecordedRequest,
} from './providers-helpers.js';
import { compileOpenAiVideosSchemas } from './helpers/openapi.js';
import { expectValid } from './helpers/schema.js';

/** A captured body turned into the value the schema describes; file parts keep their metadata aside. */
interface DecodedBody {
  encoding: 'json' | 'multipart';
  value: Record<string, unknown>;
  files: Record<string, { name: string; type: string; bytes: Buffer }>;
}

async function decodeBody(record: RecordedRequest): Promise<DecodedBody> {
  const type = record.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    return { encoding: 'json', value: JSON.parse(record.body.toString('utf8')) as Record<string, unknown>, files: {} };
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(record.body, { headers: { 'content-type': type } }).formData();
    const value: Record<string, unknown> = {};
    const files: DecodedBody['files'] = {};
    for (const [name, entry] of form.entries()) {
      if (typeof entry === 'string') {
        value[name] = entry;
      } else {
        const bytes = Buffer.from(await entry.arrayBuffer());
        // `type: string, format: binary` in the schema: the part's bytes as a string.
        value[name] = bytes.toString('latin1');
        files[name] = { name: entry.name, type: entry.type, bytes };
      }
    }
    return { encoding: 'multipart', value, files };
  }
  throw new Error(`unexpected content type ${type}`);
}

function compileOpenApiSchemas(): { json: ValidateFunction; multipart: ValidateFunction; properties: Set<string> } {
  const { schemas, get } = compileOpenAiVideosSchemas();
  const properties = new Set(Object.keys(schemas['CreateVideoJsonBody']?.properties ?? {}));
  return { json: get('CreateVideoJsonBody'), multipart: get('CreateVideoMultipartBody'), properties };
}

/**
 * Huixingyun's `string` dialect is deliberately not in OpenAI's schema (input_reference is
 * an object or a file there). This is the request field table of Huixingyun's page
 * (reference/003_*.txt) as a schema: input_reference a string (URL or base64), seconds a
 * string from 4/8/12, size from its list.
 */
const HUIXINGYUN_CREATE_BODY = {
  type: 'object',
  required: ['model', 'prompt'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string', minLength: 1 },
    input_reference: { type: 'string', minLength: 1 },
    seconds: { type: 'string', enum: ['4', '8', '12'] },
    size: { type: 'string', enum: ['1280x720', '720x1280', '1920x1080', '1080x1920', '3840x2160', '2160x3840'] },
  },
} as const;

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let http: HttpClient;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let localImage: ImageSource;
const signal = new AbortController().signal;

beforeAll(async () => {
  emu = await startEmulator({ latencyMs: 100, seed: 9 });
  proxy = await startRecordingProxy(emu.url);
  http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
  tmp = await tempDir('fidelity');
  localImage = await writeImage(tmp.dir, 'reference.png', pngBytes(8, 8));
});

afterAll(async () => {
  await http.close();
  await proxy.close();
  await emu.close();
  await tmp.remove();
});

/** Submits one shot through the recording proxy and returns the decoded body it sent. */
async function capture(
  referenceFormat: ReferenceFormat,
  spec: Partial<Spec>,
  referenceImage?: ImageSource,
): Promise<DecodedBody> {
  const provider = createOpenAiVideosProvider(providerConfig('openai-videos', `${proxy.url}/v1`, { referenceFormat }), {
    http,
    apiKey: 'sk-fidelity-test',
  });
  const before = proxy.records.length;
  const id = `fidelity-${proxy.records.length}`;
  const { jobId } = await provider.submit(
    shot(id, { provider: 'openai-videos', model: 'sora-2', ...spec }, referenceImage ? { referenceImage } : {}),
    { signal },
  );
  expect(jobId).toMatch(/\S/);
  const sent = proxy.records.slice(before).filter((r) => r.method === 'POST' && r.path === '/v1/videos');
  expect(sent).toHaveLength(1);
  return decodeBody(sent[0]!);
}

describe('request bodies validate against the published schemas', () => {
  let schemas: ReturnType<typeof compileOpenApiSchemas>;
  beforeAll(() => {
    schemas = compileOpenApiSchemas();
  });

  function expectOpenAiBody(body: DecodedBody, label: string): void {
    expectValid(body.encoding === 'json' ? schemas.json : schemas.multipart, body.value, label);
    // The schema allows extra properties; videogen sends none unless `options` asks.
    for (const key of Object.keys(body.value)) expect(schemas.properties, `${label}: unknown field ${key}`).toContain(key);
  }

  it('text only: JSON with seconds as a string and size from the aspect ratio', async () => {
    const body = await capture('multipart', { aspect_ratio: '16:9', duration: 4, prompt: 'A drone shot' });
    expect(body.encoding).toBe('json');
    expect(body.value).toEqual({ model: 'sora-2', prompt: 'A drone shot', seconds: '4', size: '1280x720' });
    expectOpenAiBody(body, 'text json');
    // Negative controls: the compiled schema does reject what the real API rejects.
    expect(schemas.json({ ...body.value, seconds: 4 })).toBe(false);
    expect(schemas.json({ ...body.value, size: '1000x1000' })).toBe(false);
    expect(schemas.json({ ...body.value, input_reference: { image_url: 'not a url' } })).toBe(false);
    expect(schemas.json({ model: 'sora-2' })).toBe(false);
  });

  it('text only: an explicit size wins over the aspect ratio', async () => {
    const body = await capture('object', { aspect_ratio: '9:16', duration: 12, size: '1792x1024' });
    expect(body.value).toMatchObject({ seconds: '12', size: '1792x1024' });
    expectOpenAiBody(body, 'explicit size');
    const vertical = await capture('object', { aspect_ratio: '9:16', duration: 8 });
    expect(vertical.value).toMatchObject({ seconds: '8', size: '720x1280' });
    expectOpenAiBody(vertical, 'vertical');
  });

  it('multipart dialect, local file: a file part with its type and name', async () => {
    const body = await capture('multipart', { aspect_ratio: '16:9', duration: 4 }, localImage);
    expect(body.encoding).toBe('multipart');
    expect(body.value).toMatchObject({ model: 'sora-2', seconds: '4', size: '1280x720' });
    expect(body.files['input_reference']).toMatchObject({ name: 'reference.png', type: 'image/png' });
    expect(body.files['input_reference']?.bytes.equals(pngBytes(8, 8))).toBe(true);
    expectOpenAiBody(body, 'multipart file');
  });

  it('multipart dialect, URL: JSON with the object form (a URL cannot be a file part)', async () => {
    const body = await capture('multipart', { duration: 4 }, { kind: 'url', url: 'https://example.com/ref.jpg' });
    expect(body.encoding).toBe('json');
    expect(body.value['input_reference']).toEqual({ image_url: 'https://example.com/ref.jpg' });
    expectOpenAiBody(body, 'multipart url');
  });

  it('object dialect: a data URL for a local file, the URL itself otherwise', async () => {
    const local = await capture('object', { duration: 4, aspect_ratio: '16:9' }, localImage);
    expect(local.encoding).toBe('json');
    expect(local.value['input_reference']).toEqual({ image_url: `data:image/png;base64,${pngBytes(8, 8).toString('base64')}` });
    expectOpenAiBody(local, 'object data url');
    const remote = await capture('object', { duration: 4 }, { kind: 'url', url: 'https://example.com/ref.webp' });
    expect(remote.value['input_reference']).toEqual({ image_url: 'https://example.com/ref.webp' });
    expectOpenAiBody(remote, 'object url');
  });

  it('string dialect (Huixingyun): raw base64 or the URL, valid per its own field table', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(HUIXINGYUN_CREATE_BODY);
    const local = await capture('string', { model: 'veo-3.1-fast-generate-001', duration: 4, aspect_ratio: '9:16' }, localImage);
    expect(local.encoding).toBe('json');
    expect(local.value['input_reference']).toBe(pngBytes(8, 8).toString('base64'));
    expectValid(validate, local.value, 'string base64');
    const remote = await capture('string', { model: 'veo-3.1-fast-generate-001', duration: 8 }, { kind: 'url', url: 'https://example.com/r.jpg' });
    expect(remote.value['input_reference']).toBe('https://example.com/r.jpg');
    expectValid(validate, remote.value, 'string url');
    // And OpenAI's schema indeed rejects it: the dialect must be chosen per endpoint.
    expect(schemas.json(local.value)).toBe(false);
  });

  it('options add fields but never override the ones videogen sets', async () => {
    const body = await capture('object', {
      duration: 4,
      options: { seconds: 99, model: 'other', prompt: 'other', input_reference: 'x', size: '1x1', watermark: false },
    });
    expect(body.value).toEqual({ model: 'sora-2', prompt: expect.any(String), seconds: '4', watermark: false });
    expect(body.value['prompt']).not.toBe('other');
    expectValid(schemas.json, body.value, 'options');
  });

  it('the official SDK sends bodies the same validation accepts (the harness itself is sound)', async () => {
    const client = new OpenAI({ apiKey: 'sk-sdk-test', baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const before = proxy.records.length;
    await client.videos.create({
      model: 'sora-2',
      prompt: 'SDK reference check',
      seconds: '4',
      size: '1280x720',
      input_reference: await toFile(pngBytes(8, 8), 'sdk.png', { type: 'image/png' }),
    });
    const sent = proxy.records.slice(before).filter((r) => r.method === 'POST' && r.path === '/v1/videos');
    expect(sent).toHaveLength(1);
    const body = await decodeBody(sent[0]!);
    expect(body.encoding).toBe('multipart');
    expectOpenAiBody(body, 'sdk multipart');
  });
});

describe('the official openai SDK against the emulator', () => {
  it('creates, retrieves until completed and downloads an MP4', async () => {
    const client = new OpenAI({ apiKey: 'test', baseURL: `${emu.url}/v1`, maxRetries: 0 });
    const created = await client.videos.create({ model: 'sora-2', prompt: 'A calm lake at dawn', seconds: '4', size: '720x1280' });
    expect(created.object).toBe('video');
    expect(['queued', 'in_progress']).toContain(created.status);

    let video = created;
    const deadline = Date.now() + 10_000;
    while (video.status !== 'completed' && video.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      video = await client.videos.retrieve(created.id);
    }
    expect(video.status).toBe('completed');
    expect(video.id).toBe(created.id);

    const response = await client.videos.downloadContent(created.id);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('agrees with our provider about the same job', async () => {
    const provider = createOpenAiVideosProvider(providerConfig('openai-videos', `${emu.url}/v1`), { http, apiKey: 'test' });
    const { jobId } = await provider.submit(shot('sdk-agree', { provider: 'openai-videos', model: 'sora-2', duration: 4 }), { signal });
    const result = await pollUntilTerminal(provider, jobId);
    const client = new OpenAI({ apiKey: 'test', baseURL: `${emu.url}/v1`, maxRetries: 0 });
    const video = await client.videos.retrieve(jobId);
    expect(result.state).toBe(video.status);
    expect(video.seconds).toBe('4');
  });
});
