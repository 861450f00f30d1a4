/** The emulator's HeyGen v3 clip API (`/v3/models/videos`) and its Idempotency-Key, over real HTTP. */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import {
  HEYGEN_KEY,
  PNG_1X1,
  expectServedMp4,
  heygen,
  observe,
  sleep,
  trackDimensions,
  useEmulators,
  type JsonAnswer,
} from './emulator-helpers.js';

const start = useEmulators();
const PATH = '/v3/models/videos';

function clip(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'heygen-video-1', mode: 'text_to_video', prompt: 'A lighthouse in a storm, waves crashing', ...fields };
}

function create(emu: RunningEmulator, body: unknown, key?: string, apiKey?: string): Promise<JsonAnswer> {
  return heygen(emu, PATH, { json: body, ...(key === undefined ? {} : { headers: { 'Idempotency-Key': key } }), ...(apiKey ? { key: apiKey } : {}) });
}

async function pollClip(emu: RunningEmulator, id: string): Promise<any> {
  const walk = await observe(
    async () => (await heygen(emu, `${PATH}/${id}`)).body.data,
    (data) => ['completed', 'failed', 'cancelled'].includes(data.status),
  );
  return walk.at(-1);
}

async function upload(emu: RunningEmulator, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'frame.png');
  const answer = await heygen(emu, '/v3/assets', { body: form });
  expect(answer.status).toBe(200);
  return answer.body.data.asset_id as string;
}

describe('HeyGen v3: create, poll, download', () => {
  it('answers 202 pending, walks pending → processing → completed, and serves the clip at the asked ratio', async () => {
    const emu = await start({ latencyMs: 600 });
    const created = await create(emu, clip({ aspect_ratio: '9:16', duration: 8, resolution: '1080p', seed: 12 }));
    expect(created.status).toBe(202);
    expect(created.headers.get('x-request-id')).toMatch(/\S/);
    expect(created.body).toEqual({ data: { video_id: expect.stringMatching(/^hv3_[A-Za-z0-9_-]+$/), status: 'pending' } });
    const id: string = created.body.data.video_id;

    const walk = await observe(async () => (await heygen(emu, `${PATH}/${id}`)).body.data, (data) => data.status === 'completed');
    const order = ['pending', 'processing', 'completed'];
    const ranks = walk.map((data) => order.indexOf(data.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    expect(walk.some((data) => data.status === 'processing')).toBe(true);
    expect(walk.filter((data) => data.status !== 'completed').every((data) => data.video_url === undefined)).toBe(true);
    const done = walk.at(-1);
    expect(done).toMatchObject({
      video_id: id,
      model: 'heygen-video-1',
      status: 'completed',
      created_at: expect.any(Number),
      duration: 8,
      aspect_ratio: '9:16',
      seed: 12,
      video_url: expect.stringContaining(`${emu.url}/_emulator/videos/heygen-v3/`),
    });
    expect(done.created_at).toBeLessThan(Date.now() / 1000 + 1);
    const video = await fetch(done.video_url);
    const bytes = Buffer.from(await video.clone().arrayBuffer());
    await expectServedMp4(video, id);
    expect(trackDimensions(bytes)).toBe('90x160');
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it('signs a fresh URL on every read; an expired one is refused and the next read works', async () => {
    const emu = await start({ latencyMs: 0, urlTtlMs: 150 });
    const id = (await create(emu, clip())).body.data.video_id;
    const first = (await pollClip(emu, id)).video_url;
    const second = (await pollClip(emu, id)).video_url;
    expect(first).not.toBe(second);
    await sleep(200);
    expect((await fetch(first)).status).toBe(403);
    expect((await fetch((await pollClip(emu, id)).video_url)).status).toBe(200);
  });

  it('takes an uploaded image as an asset union and keeps the image’s ratio', async () => {
    const emu = await start({ latencyMs: 0 });
    const assetId = await upload(emu, PNG_1X1);
    // i2v ignores aspect_ratio, as the reference says.
    const created = await create(emu, clip({ mode: 'image_to_video', image: { type: 'asset_id', asset_id: assetId }, aspect_ratio: '16:9' }));
    expect(created.status).toBe(202);
    const done = await pollClip(emu, created.body.data.video_id);
    expect(done.aspect_ratio).toBe('1:1');
    expect(trackDimensions(Buffer.from(await (await fetch(done.video_url)).arrayBuffer()))).toBe('96x96');
    const byUrl = await create(emu, clip({ mode: 'image_to_video', image: { type: 'url', url: 'https://example.com/cat.png' } }));
    expect(byUrl.status).toBe(202);
  });

  it('answers an unknown id with 404 in HeyGen’s error envelope', async () => {
    const emu = await start();
    for (const id of ['hv3_nope', 'node-gw-x', 'nonsense']) {
      const answer = await heygen(emu, `${PATH}/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.stringContaining(id) } });
    }
  });
});

describe('HeyGen v3: validation', () => {
  const url = { type: 'url', url: 'https://example.com/a.png' };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['missing model', clip({ model: undefined }), 'model'],
    ['another model', clip({ model: 'veo_3_1' }), 'model'],
    ['missing mode', clip({ mode: undefined }), 'mode'],
    ['unknown mode', clip({ mode: 'avatar' }), 'mode'],
    ['missing prompt', clip({ prompt: undefined }), 'prompt'],
    ['prompt over 16,000 characters', clip({ prompt: 'x'.repeat(16_001) }), 'prompt'],
    ['duration 4', clip({ duration: 4 }), 'duration'],
    ['duration 16', clip({ duration: 16 }), 'duration'],
    ['fractional duration', clip({ duration: 7.5 }), 'duration'],
    ['duration as a string', clip({ duration: '5' }), 'duration'],
    ['unknown resolution', clip({ resolution: '720p' }), 'resolution'],
    ['unknown ratio', clip({ aspect_ratio: '4:5' }), 'aspect_ratio'],
    ['adaptive outside reference mode', clip({ aspect_ratio: 'adaptive' }), 'aspect_ratio'],
    ['1080p at 1:1', clip({ resolution: '1080p', aspect_ratio: '1:1' }), 'resolution'],
    ['2k at the 4:3', clip({ resolution: '2k', aspect_ratio: '4:3' }), 'resolution'],
    ['fractional seed', clip({ seed: 1.5 }), 'seed'],
    ['unknown prompt_enhancement', clip({ prompt_enhancement: 'max' }), 'prompt_enhancement'],
    ['image_to_video without an image', clip({ mode: 'image_to_video' }), 'image'],
    ['an image on text_to_video', clip({ image: url }), 'image'],
    ['an asset without its type', clip({ mode: 'image_to_video', image: { asset_id: 'a1' } }), 'image.type'],
    ['a plain-http image URL', clip({ mode: 'image_to_video', image: { type: 'url', url: 'http://example.com/a.png' } }), 'image.url'],
    ['an asset never uploaded', clip({ mode: 'image_to_video', image: { type: 'asset_id', asset_id: 'a-none' } }), 'image.asset_id'],
    ['reference_to_video without references', clip({ mode: 'reference_to_video' }), 'reference_images'],
    ['ten reference images', clip({ mode: 'reference_to_video', reference_images: Array(10).fill(url) }), 'reference_images'],
    ['references outside reference mode', clip({ reference_images: [url] }), 'reference_images'],
  ];

  it.each(cases)('refuses %s with 400 naming %s, creating nothing', async (_name, body, param) => {
    const emu = await start();
    const answer = await create(emu, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_parameter', param, message: expect.stringMatching(/\S/) });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('takes every documented value', async () => {
    const emu = await start({ latencyMs: 0 });
    const bodies = [
      clip({ duration: 5, resolution: '480p', aspect_ratio: '21:9', prompt_enhancement: 'turbo', seed: null }),
      clip({ duration: 15, resolution: '2k', aspect_ratio: '9:16', prompt_enhancement: 'disabled', seed: 4_294_967_295 }),
      clip({ mode: 'reference_to_video', reference_images: Array(9).fill(url), reference_videos: [{ type: 'url', url: 'https://example.com/a.mp4' }], aspect_ratio: 'adaptive' }),
      clip({ mode: 'image_to_video', image: { type: 'base64', media_type: 'image/png', data: PNG_1X1.toString('base64') }, callback_url: 'https://example.com/hook', callback_id: 'c1' }),
    ];
    for (const body of bodies) expect((await create(emu, body)).status, JSON.stringify(body).slice(0, 120)).toBe(202);
  });
});

describe('HeyGen v3: Idempotency-Key', () => {
  it('replays the first answer for the same key: same video id, no second job', async () => {
    const emu = await start({ latencyMs: 500 });
    const first = await create(emu, clip(), 'vg-shot-1.1');
    const again = await create(emu, clip({ prompt: 'slightly different' }), 'vg-shot-1.1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(emu.stats().jobs.created).toBe(1);
    expect(emu.stats().requests[`POST ${PATH}`]).toBe(2);
  });

  it('answers 409 request_in_progress to a repeat while the first is still being processed', async () => {
    const emu = await start({ latencyMs: 100, createDelayMs: 400 });
    const first = create(emu, clip(), 'in-flight:1');
    await sleep(100);
    const repeat = await create(emu, clip(), 'in-flight:1');
    expect(repeat.status).toBe(409);
    expect(repeat.body.error).toMatchObject({ code: 'request_in_progress' });
    const answer = await first;
    expect(answer.status).toBe(202);
    const later = await create(emu, clip(), 'in-flight:1');
    expect(later.body.data.video_id).toBe(answer.body.data.video_id);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('creates a job for every POST without a key, and for each distinct key or account', async () => {
    const emu = await start({ latencyMs: 0 });
    const ids = [
      (await create(emu, clip())).body.data.video_id,
      (await create(emu, clip())).body.data.video_id,
      (await create(emu, clip(), 'k-1')).body.data.video_id,
      (await create(emu, clip(), 'k-2')).body.data.video_id,
      (await create(emu, clip(), 'k-1', 'another-account-key')).body.data.video_id,
    ];
    expect(new Set(ids).size).toBe(5);
    expect(emu.stats().jobs.created).toBe(5);
  });

  it('refuses a blank or malformed key with 400', async () => {
    const emu = await start();
    for (const key of ['', '   ', 'has space', 'ümlaut', 'x'.repeat(256)]) {
      const answer = await create(emu, clip(), key);
      expect(answer.status, JSON.stringify(key)).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_parameter', param: 'Idempotency-Key' });
    }
    expect((await create(emu, clip(), 'A-z_0:9.' + 'x'.repeat(247))).status).toBe(202);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('lets a key whose first request was refused go through once the request is fixed', async () => {
    const emu = await start({ latencyMs: 0 });
    expect((await create(emu, clip({ duration: 99 }), 'fix-me')).status).toBe(400);
    const fixed = await create(emu, clip(), 'fix-me');
    expect(fixed.status).toBe(202);
    expect((await create(emu, clip(), 'fix-me')).body).toEqual(fixed.body);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('refuses a job beyond the account’s limit with 429 + Retry-After, leaving the key free', async () => {
    const emu = await start({ latencyMs: 300, maxConcurrent: 1 });
    expect((await create(emu, clip(), 'busy-1')).status).toBe(202);
    const refused = await create(emu, clip(), 'busy-2');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await sleep(350);
    expect((await create(emu, clip(), 'busy-2')).status).toBe(202);
    expect(emu.stats().jobs.created).toBe(2);
  });

  it('forgets keys on reset', async () => {
    const emu = await start({ latencyMs: 0 });
    const before = (await create(emu, clip(), 'reset-me')).body.data.video_id;
    emu.reset();
    expect((await create(emu, clip(), 'reset-me')).body.data.video_id).not.toBe(before);
  });
});

describe('HeyGen v3: failures', () => {
  it('fails with generation_failed, and every third failure is cancelled with generation_cancelled', async () => {
    const emu = await start({ latencyMs: 50, failRate: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(emu, clip())).body.data.video_id);
    const results = await Promise.all(ids.map((id) => pollClip(emu, id)));
    expect(results.map((r) => [r.status, r.failure_code])).toEqual([
      ['failed', 'generation_failed'],
      ['failed', 'generation_failed'],
      ['cancelled', 'generation_cancelled'],
    ]);
    for (const result of results) {
      expect(result.failure_message).toMatch(/\S/);
      expect(result.video_url).toBeUndefined();
    }
    expect(emu.stats().jobs).toMatchObject({ created: 3, failed: 3, completed: 0 });
  });

  it('reports a content-moderation refusal as a failure whose message says so (--moderation-rate)', async () => {
    const emu = await start({ latencyMs: 0, moderationRate: 1 });
    const result = await pollClip(emu, (await create(emu, clip())).body.data.video_id);
    expect(result).toMatchObject({ status: 'failed', failure_code: 'generation_failed', failure_message: expect.stringMatching(/content moderation/) });
  });

  it('wants the key in X-Api-Key', async () => {
    const emu = await start({ apiKey: HEYGEN_KEY });
    const missing = await heygen(emu, PATH, { json: clip(), key: null });
    expect(missing.status).toBe(401);
    expect((await heygen(emu, PATH, { json: clip(), key: 'wrong' })).status).toBe(401);
    expect(emu.stats().jobs.created).toBe(0);
  });
});
