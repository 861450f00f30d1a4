/** The emulator's OpenRouter video API (/api/v1/videos), over real HTTP with plain fetch. */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { PNG_1X1, expectServedMp4, observe, sleep, stillWithin, useEmulators, type JsonAnswer } from './emulator-helpers.js';

const KEY = 'sk-or-v1-test-key';
const start = useEmulators();

async function openrouter<T = any>(
  emu: RunningEmulator,
  path: string,
  init: { json?: unknown; body?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.Authorization = `Bearer ${init.key ?? KEY}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const url = path.startsWith('http') ? path : `${emu.url}/api/v1${path}`;
  const response = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const TERMINAL = ['completed', 'failed', 'cancelled', 'expired'];

async function pollUntilDone(emu: RunningEmulator, id: string): Promise<any[]> {
  return observe(async () => (await openrouter(emu, `/videos/${id}`)).body, (job) => TERMINAL.includes(job.status));
}

const veoFast = { model: 'google/veo-3.1-fast', prompt: 'Paper boat on a pond', duration: 4, resolution: '720p', aspect_ratio: '16:9' };

describe('OpenRouter videos: submit, poll, download', () => {
  it('answers 202, walks pending → in_progress → completed, reports usage.cost and serves the MP4 with Bearer auth', async () => {
    const latency = 800;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const created = await openrouter(emu, '/videos', { json: veoFast });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ id: expect.stringMatching(/^orv-[A-Za-z0-9_-]+$/), polling_url: `/api/v1/videos/${created.body.id}`, status: 'pending' });
    const id: string = created.body.id;

    const early = await openrouter(emu, `/videos/${id}/content?index=0`);
    if (stillWithin(began, latency)) {
      expect(early.status).toBe(400);
      expect(early.body.error).toMatchObject({ code: 400, message: expect.stringContaining('not completed') });
    }

    const walk = await pollUntilDone(emu, id);
    const order = ['pending', 'in_progress', 'completed'];
    const ranks = walk.map((job) => order.indexOf(job.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    expect(walk.some((job) => job.status === 'in_progress')).toBe(true);
    const done = walk.at(-1);
    expect(done).toEqual({
      id,
      polling_url: `/api/v1/videos/${id}`,
      status: 'completed',
      generation_id: expect.stringMatching(/^gen-/),
      unsigned_urls: [`${emu.url}/api/v1/videos/${id}/content?index=0`],
      // The emulator's price for veo-3.1-fast: 0.15 USD a second, 4 seconds.
      usage: { cost: 0.6, is_byok: false },
    });

    await expectServedMp4(await fetch(done.unsigned_urls[0], { headers: { Authorization: `Bearer ${KEY}` } }), id);
    expect((await fetch(done.unsigned_urls[0])).status).toBe(401);
    expect((await openrouter(emu, `/videos/${id}/content?index=1`)).status).toBe(404);
    expect((await openrouter(emu, `/videos/${id}/content?index=first`)).status).toBe(400);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('hands out relative and absolute polling URLs by turns, both of which work', async () => {
    const emu = await start({ latencyMs: 50 });
    const first = (await openrouter(emu, '/videos', { json: veoFast })).body;
    const second = (await openrouter(emu, '/videos', { json: veoFast })).body;
    expect(first.polling_url).toBe(`/api/v1/videos/${first.id}`);
    expect(second.polling_url).toBe(`${emu.url}/api/v1/videos/${second.id}`);
    expect((await openrouter(emu, `${emu.url}${first.polling_url}`)).body.polling_url).toBe(first.polling_url);
    expect((await openrouter(emu, second.polling_url)).body.polling_url).toBe(second.polling_url);
  });

  it('lets a finished job expire after its time-to-live (--content-ttl): status expired, content gone', async () => {
    const emu = await start({ latencyMs: 50, contentTtlMs: 500 });
    const { id } = (await openrouter(emu, '/videos', { json: { ...veoFast, duration: 6 } })).body;
    const walk = await pollUntilDone(emu, id);
    // On a loaded machine the first terminal answer seen may already be the expiry.
    expect(['completed', 'expired']).toContain(walk.at(-1).status);
    await sleep(550);
    const expired = (await openrouter(emu, `/videos/${id}`)).body;
    expect(expired).toMatchObject({ id, status: 'expired', usage: { cost: 0.9 } });
    expect(expired.unsigned_urls).toBeUndefined();
    const content = await openrouter(emu, `/videos/${id}/content?index=0`);
    expect(content.status).toBe(404);
    expect(content.body.error.code).toBe(404);
  });

  it('answers for jobs another emulator process created (state lives in the id)', async () => {
    const first = await start({ latencyMs: 50 });
    await openrouter(first, '/videos', { json: veoFast });
    const { id } = (await openrouter(first, '/videos', { json: { ...veoFast, model: 'heygen/heygen-video-1', duration: 12, resolution: '768p' } })).body;
    const second = await start();
    await sleep(80);
    const answer = (await openrouter(second, `/videos/${id}`)).body;
    expect(answer).toMatchObject({ status: 'completed', polling_url: `${second.url}/api/v1/videos/${id}`, usage: { cost: 0.72 } });
    expect((await openrouter(second, '/videos/orv-not-a-job')).status).toBe(404);
  });
});

describe('OpenRouter videos: failures, moderation and faults', () => {
  it('ends failing jobs failed (with a reason) or, every third, cancelled (without one)', async () => {
    const emu = await start({ latencyMs: 30, failRate: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await openrouter(emu, '/videos', { json: veoFast })).body.id);
    const ends = await Promise.all(ids.map(async (id) => (await pollUntilDone(emu, id)).at(-1)));
    expect(ends.map((job) => job.status)).toEqual(['failed', 'failed', 'cancelled']);
    expect(ends[0].error).toMatch(/failed/);
    expect(ends[2].error).toBeUndefined();
    expect(ends.every((job) => job.usage === undefined && job.unsigned_urls === undefined)).toBe(true);
    expect((await openrouter(emu, `/videos/${ids[0]}/content`)).status).toBe(404);
    expect(emu.stats().jobs).toMatchObject({ created: 3, failed: 3 });
  });

  it('with --moderation-rate refuses at the door (403, nothing created) or fails the job on content policy', async () => {
    const emu = await start({ latencyMs: 30, moderationRate: 1 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => openrouter(emu, '/videos', { json: { ...veoFast, prompt: `A storm over the harbour, take ${i}` } })),
    );
    const refused = answers.filter((a) => a.status === 403);
    const accepted = answers.filter((a) => a.status === 202);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length + accepted.length).toBe(8);
    expect(refused[0]!.body.error).toMatchObject({ code: 403, message: expect.stringMatching(/flagged/), metadata: { reasons: expect.any(Array), model_slug: 'google/veo-3.1-fast' } });
    expect(emu.stats().jobs.created).toBe(accepted.length);
    const end = (await pollUntilDone(emu, accepted[0]!.body.id)).at(-1);
    expect(end).toMatchObject({ status: 'failed', error: expect.stringMatching(/content policy/) });
    // The same prompt meets the same door.
    const again = await openrouter(emu, '/videos', { json: { ...veoFast, prompt: 'A storm over the harbour, take 0' } });
    expect(again.status).toBe(answers[0]!.status);
  });

  it('limits jobs in flight per key (429 + Retry-After) and credit (402), and speaks its own error envelope for injected faults', async () => {
    const limited = await start({ latencyMs: 2000, maxConcurrent: 1 });
    expect((await openrouter(limited, '/videos', { json: veoFast })).status).toBe(202);
    const busy = await openrouter(limited, '/videos', { json: veoFast });
    expect(busy.status).toBe(429);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(busy.body.error.code).toBe(429);
    // Another key is another account.
    expect((await openrouter(limited, '/videos', { json: veoFast, key: 'sk-or-other' })).status).toBe(202);

    const broke = await start({ creditLimit: 0 });
    const noCredit = await openrouter(broke, '/videos', { json: veoFast });
    expect(noCredit.status).toBe(402);
    expect(noCredit.body.error).toMatchObject({ code: 402, message: expect.stringMatching(/credits/) });

    const failing = await start({ errorRate: 1 });
    const submit = await openrouter(failing, '/videos', { json: veoFast });
    expect(submit.status).toBe(503);
    expect(submit.headers.get('retry-after')).toBe('1');
    expect(submit.body.error.code).toBe(503);
    expect((await openrouter(failing, '/videos/orv-x')).body.error.code).toBe(500);
    expect(failing.stats().jobs.created).toBe(0);
  });

  it('wants the key everywhere but on the model list, and never echoes it', async () => {
    const emu = await start({ apiKey: KEY });
    const missing = await openrouter(emu, '/videos', { json: veoFast, key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe(401);
    const wrong = await openrouter(emu, '/videos/orv-x', { key: 'sk-or-wrong-key' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('sk-or-wrong-key');
    expect((await openrouter(emu, '/videos/models', { key: null })).status).toBe(200);
    expect((await openrouter(emu, '/no-such-route')).body.error.code).toBe(404);
  });
});

describe('OpenRouter videos: request validation', () => {
  const dataUrl = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
  const frame = (url: string, frameType = 'first_frame') => ({ type: 'image_url', image_url: { url }, frame_type: frameType });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no model', { prompt: 'x' }, /model: Required/],
    ['no prompt and no images', { model: 'google/veo-3.1' }, /prompt: Required/],
    ['a duration that is not an integer', { ...veoFast, duration: 4.5 }, /integer/],
    ['a duration as a string', { ...veoFast, duration: '4' }, /integer/],
    ['a duration the model lacks (reference §10)', { model: 'google/veo-3.1-lite', prompt: 'x', duration: 7 }, /supported_durations: 4, 6, 8/],
    ['a resolution outside the enum', { ...veoFast, resolution: '1440p' }, /Invalid enum value/],
    ['a resolution the model lacks', { ...veoFast, resolution: '4K' }, /not supported by google\/veo-3.1-fast/],
    ['an aspect ratio outside the enum', { ...veoFast, aspect_ratio: '5:4' }, /Invalid enum value/],
    ['a size that is not WxH', { ...veoFast, size: 'big' }, /size/],
    ['a frame image without a frame type', { ...veoFast, frame_images: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] }, /frame_type/],
    ['a frame type the model lacks', { ...veoFast, model: 'google/veo-3.1-lite', frame_images: [frame(dataUrl, 'last_frame')] }, /last_frame/],
    ['the same frame type twice', { ...veoFast, frame_images: [frame(dataUrl), frame(dataUrl)] }, /twice/],
    ['a data: URL that is no image', { ...veoFast, frame_images: [frame('data:image/png;base64,aGVsbG8=')] }, /data:image/],
    ['an audio reference to a model without them', { ...veoFast, input_references: [{ type: 'audio_url', audio_url: { url: 'https://x/a.mp3' } }] }, /audio_url/],
    ['audio from a model that makes none', { model: 'kwaivgi/kling-v3.0-std', prompt: 'x', generate_audio: true }, /does not generate audio/],
    ['a seed that is not an integer', { ...veoFast, seed: 1.5 }, /seed/],
    ['provider routing fields the video schema lacks', { ...veoFast, provider: { order: ['google-vertex'] } }, /provider/],
  ])('refuses %s with 400 in the OpenRouter envelope', async (_label, json, message) => {
    const emu = await start();
    const answer = await openrouter(emu, '/videos', { json });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body).toEqual({ error: { code: 400, message: expect.stringMatching(message) } });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('answers an unknown model with 404, a body that is not JSON with 400', async () => {
    const emu = await start();
    const unknown = await openrouter(emu, '/videos', { json: { ...veoFast, model: 'openai/sora-2-pro' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 404, message: expect.stringContaining('openai/sora-2-pro') });
    expect((await openrouter(emu, '/videos', { body: '{"model":', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    expect((await openrouter(emu, '/videos', { body: 'model=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(400);
  });

  it('accepts image-only input, both frames, media references where the model takes them, and passthrough options', async () => {
    const emu = await start();
    for (const json of [
      { model: 'google/veo-3.1', frame_images: [frame(dataUrl), frame('https://example.com/last.png', 'last_frame')] },
      { model: 'bytedance/seedance-2.0', prompt: 'x', duration: 10, aspect_ratio: '21:9', input_references: [{ type: 'video_url', video_url: { url: 'https://x/v.mp4' } }] },
      { ...veoFast, size: '1280x720', seed: 42, generate_audio: false, callback_url: 'https://example.com/hook', provider: { options: { 'google-vertex': { parameters: { negativePrompt: 'rain' } } } } },
      { model: 'minimax/hailuo-2.3', prompt: 'x', resolution: '768p', some_future_field: true },
    ]) {
      const answer = await openrouter(emu, '/videos', { json });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    }
  });
});

describe('OpenRouter videos: the model list', () => {
  it('lists every model in the documented VideoModel shape, prices as strings, without auth', async () => {
    const emu = await start();
    const answer = await openrouter(emu, '/videos/models', { key: null });
    expect(answer.status).toBe(200);
    const models: any[] = answer.body.data;
    expect(models.map((m) => m.id)).toEqual(
      expect.arrayContaining(['google/veo-3.1', 'google/veo-3.1-fast', 'google/veo-3.1-lite', 'kwaivgi/kling-v3.0-pro', 'bytedance/seedance-2.0', 'alibaba/wan-2.7', 'minimax/hailuo-2.3', 'heygen/heygen-video-1']),
    );
    expect(models.map((m) => m.id)).not.toContain('openai/sora-2-pro');
    const required = ['id', 'canonical_slug', 'name', 'created', 'supported_resolutions', 'supported_aspect_ratios', 'supported_sizes', 'supported_durations', 'supported_frame_images', 'generate_audio', 'seed', 'allowed_passthrough_parameters', 'creativity', 'upscale_factor'];
    for (const model of models) {
      for (const key of required) expect(model, `${model.id}.${key}`).toHaveProperty(key);
      expect(Object.values(model.pricing_skus).every((price) => typeof price === 'string' && Number.isFinite(Number(price)))).toBe(true);
      expect(model.supported_durations.every((d: unknown) => Number.isInteger(d))).toBe(true);
    }
    expect(models.find((m) => m.id === 'heygen/heygen-video-1')).toMatchObject({ supported_resolutions: ['480p', '768p'], supported_durations: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
  });
});
