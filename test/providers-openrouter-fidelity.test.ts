/**
 * Wire fidelity of the OpenRouter provider: shots loaded from a real manifest (so the module's
 * spec decides what is sent) are submitted through a recording proxy to the emulator, and every
 * `POST /api/v1/videos` body is validated against the request table of
 * reference/openrouter-videos.md §2, written out below as a JSON Schema. There is no published
 * schema file to load (the reference cites OpenRouter's spec without carrying it), so the
 * table is the contract; the negative controls show the schema refuses what the API refuses.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import { parseManifestText } from '../src/manifest/load.js';
import { createOpenRouterProvider } from '../src/providers/openrouter/client.js';
import { pngBytes, startRecordingProxy } from './providers-helpers.js';
import { expectValid } from './helpers/schema.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-fidelity-key';

const MEDIA_URL = { type: 'object', required: ['url'], properties: { url: { type: 'string', minLength: 1 } } } as const;

/** §2, field by field. `additionalProperties: false`: videogen sends nothing else unless `options` asks. */
const VIDEO_GENERATION_REQUEST = {
  type: 'object',
  required: ['model'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string' },
    duration: { type: 'integer', minimum: 1 },
    resolution: { enum: ['480p', '720p', '768p', '1080p', '1K', '2K', '4K'] },
    aspect_ratio: { enum: ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'] },
    size: { type: 'string', pattern: '^[1-9][0-9]*x[1-9][0-9]*$' },
    frame_images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'image_url', 'frame_type'],
        additionalProperties: false,
        properties: {
          type: { const: 'image_url' },
          // https:// or data:image/…;base64,… (§2, from the skill text).
          image_url: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', pattern: '^(https://|http://|data:image/[a-z]+;base64,)' } } },
          frame_type: { enum: ['first_frame', 'last_frame'] },
        },
      },
    },
    input_references: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: { enum: ['image_url', 'audio_url', 'video_url'] },
          image_url: MEDIA_URL,
          audio_url: MEDIA_URL,
          video_url: MEDIA_URL,
        },
      },
    },
    generate_audio: { type: 'boolean' },
    seed: { type: 'integer' },
    callback_url: { type: 'string', pattern: '^https://' },
    provider: {
      type: 'object',
      additionalProperties: false,
      properties: { options: { type: 'object', additionalProperties: { type: 'object', properties: { parameters: { type: 'object' } } } } },
    },
    creativity: { type: 'number' },
    upscale_factor: { type: 'number' },
  },
} as const;

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(VIDEO_GENERATION_REQUEST);

let emu: RunningEmulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let http: HttpClient;
let ws: Workspace;

beforeAll(async () => {
  emu = await startEmulator({ latencyMs: 100, seed: 5 });
  proxy = await startRecordingProxy(emu.url);
  http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
  ws = await createWorkspace();
  await ws.write('refs/first.png', pngBytes(8, 8));
});

afterAll(async () => {
  await http.close();
  await proxy.close();
  await emu.close();
  await ws.remove();
});

/** Loads a one-provider manifest with these shots, submits each through the proxy, and returns the JSON bodies sent, by shot id. */
async function sentBodies(shots: string): Promise<Record<string, Record<string, unknown>>> {
  const text = [
    'version: 1',
    'providers:',
    '  or:',
    '    type: openrouter',
    `    base_url: ${proxy.url}/api/v1`,
    'shots:',
    shots,
    '',
  ].join('\n');
  const manifest = await parseManifestText(text, 'shots.yaml', ws.dir);
  const provider = createOpenRouterProvider(manifest.providers.get('or')!, { http, apiKey: KEY });
  const bodies: Record<string, Record<string, unknown>> = {};
  for (const shot of manifest.shots) {
    const before = proxy.records.length;
    await provider.submit(shot, { signal: new AbortController().signal });
    const sent = proxy.records.slice(before).filter((r) => r.method === 'POST' && r.path === '/api/v1/videos');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    bodies[shot.id] = JSON.parse(sent[0]!.body.toString('utf8')) as Record<string, unknown>;
  }
  return bodies;
}

describe('openrouter request bodies validate against the reference request table', () => {
  it('text only, and every shaping field, spelled as the API spells it', async () => {
    const bodies = await sentBodies(
      [
        '  - id: plain',
        '    model: google/veo-3.1-fast',
        '    prompt: Paper boat on a pond',
        '  - id: shaped',
        '    model: google/veo-3.1',
        '    prompt: "  A lighthouse at dusk\\n"',
        '    duration: 8s',
        '    resolution: 1080P',
        '    aspect_ratio: "9:16"',
        '    seed: 42',
        '    audio: false',
        '  - id: sized',
        '    model: google/veo-3.1-fast',
        '    prompt: A fox in snow',
        '    size: 1280x720',
        '    aspect_ratio: "16:9"',
        '    duration: 4',
      ].join('\n'),
    );
    expect(bodies.plain).toEqual({ model: 'google/veo-3.1-fast', prompt: 'Paper boat on a pond' });
    expect(bodies.shaped).toEqual({
      model: 'google/veo-3.1',
      prompt: 'A lighthouse at dusk',
      duration: 8,
      resolution: '1080p',
      aspect_ratio: '9:16',
      seed: 42,
      generate_audio: false,
    });
    // size is the alternative to aspect_ratio: the ratio is not sent beside it.
    expect(bodies.sized).toEqual({ model: 'google/veo-3.1-fast', prompt: 'A fox in snow', size: '1280x720', duration: 4 });
    for (const [id, body] of Object.entries(bodies)) expectValid(validate, body, id);

    // Negative controls: the schema refuses what the API refuses.
    expect(validate({ ...bodies.shaped, duration: '8' })).toBe(false);
    expect(validate({ ...bodies.shaped, duration: 7.5 })).toBe(false);
    expect(validate({ ...bodies.shaped, resolution: '4k' })).toBe(false);
    expect(validate({ ...bodies.shaped, seconds: '8' })).toBe(false);
    expect(validate({ prompt: 'no model' })).toBe(false);
  });

  it('frame images: a local file inlined as a data: URL (first frame), a URL as given (last frame)', async () => {
    const bodies = await sentBodies(
      [
        '  - id: framed',
        '    model: google/veo-3.1',
        '    prompt: The boat sails off',
        '    reference_image: refs/first.png',
        '    tail_image: https://example.com/last.png',
        '    duration: 6',
      ].join('\n'),
    );
    expect(bodies.framed!.frame_images).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBytes(8, 8).toString('base64')}` }, frame_type: 'first_frame' },
      { type: 'image_url', image_url: { url: 'https://example.com/last.png' }, frame_type: 'last_frame' },
    ]);
    expectValid(validate, bodies.framed, 'framed');
    expect(validate({ ...bodies.framed, frame_images: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] })).toBe(false);
  });

  it('options pass documented extras through (provider parameters, input references, callback_url)', async () => {
    const bodies = await sentBodies(
      [
        '  - id: extras',
        '    model: bytedance/seedance-2.0',
        '    prompt: A dancer spins through neon rain',
        '    duration: 10',
        '    options:',
        '      callback_url: https://example.com/hooks/video',
        '      provider: { options: { bytedance: { parameters: { camera_fixed: true } } } }',
        '      input_references: [{ type: video_url, video_url: { url: "https://example.com/motion.mp4" } }]',
      ].join('\n'),
    );
    expect(bodies.extras).toMatchObject({
      model: 'bytedance/seedance-2.0',
      duration: 10,
      callback_url: 'https://example.com/hooks/video',
      provider: { options: { bytedance: { parameters: { camera_fixed: true } } } },
    });
    expectValid(validate, bodies.extras, 'extras');
  });
});
