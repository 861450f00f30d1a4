/** The emulator's OpenAI-compatible Videos API, over real HTTP (and through the official SDK). */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import OpenAI, { toFile } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPENAI_KEY, PNG_1X1, expectServedMp4, mp4Boxes, observe, openai, pollOpenai, sleep, stillWithin, useEmulators } from './emulator-helpers.js';
import { compileOpenAiVideosSchemas } from './helpers/openapi.js';

const start = useEmulators();

let schema: { video: ValidateFunction; list: ValidateFunction; deleted: ValidateFunction; error: ValidateFunction };

beforeAll(() => {
  const { get } = compileOpenAiVideosSchemas();
  schema = { video: get('VideoResource'), list: get('VideoListResource'), deleted: get('DeletedVideoResource'), error: get('ErrorResponse') };
});

function expectSchema(validate: ValidateFunction, value: unknown): void {
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

describe('OpenAI videos: create, poll, download', () => {
  it('walks queued → in_progress → completed and serves the MP4 with Bearer auth', async () => {
    const latency = 1000;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const created = await openai(emu, '/videos', { json: { model: 'sora-2', prompt: 'A cat with a ball of yarn', seconds: '8', size: '1280x720' } });
    expect(created.status).toBe(200);
    expect(created.headers.get('x-request-id')).toMatch(/^req_/);
    expectSchema(schema.video, created.body);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^video_[A-Za-z0-9_-]+$/),
      object: 'video',
      model: 'sora-2',
      status: 'queued',
      progress: 0,
      created_at: expect.any(Number),
      completed_at: null,
      expires_at: null,
      prompt: 'A cat with a ball of yarn',
      size: '1280x720',
      seconds: '8',
      remixed_from_video_id: null,
      error: null,
    });
    const id: string = created.body.id;

    const notYet = await openai(emu, `/videos/${id}/content`);
    if (stillWithin(began, latency)) {
      expect(notYet.status).toBe(400);
      expect(notYet.body.error).toMatchObject({ type: 'invalid_request_error', code: 'video_not_ready' });
    }

    const walk = await observe(
      async () => {
        const answer = await openai(emu, `/videos/${id}`);
        return { ...answer.body, pollAfter: answer.headers.get('openai-poll-after-ms') };
      },
      (video) => video.status === 'completed',
    );
    const order = ['queued', 'in_progress', 'completed'];
    const ranks = walk.map((video) => order.indexOf(video.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    const progress = walk.map((video) => video.progress as number);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    const inProgress = walk.filter((video) => video.status === 'in_progress');
    expect(inProgress.length).toBeGreaterThan(0);
    for (const video of walk.slice(0, -1)) {
      expect(Number(video.pollAfter)).toBeGreaterThanOrEqual(100);
      expect(Number(video.pollAfter)).toBeLessThanOrEqual(2000);
    }
    const { pollAfter, ...done } = walk.at(-1);
    expect(pollAfter).toBeNull();
    for (const { pollAfter: _hint, ...video } of walk) expectSchema(schema.video, video);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(done.expires_at).toBe(done.completed_at + 3600);
    expect(done.completed_at - done.created_at).toBeLessThanOrEqual(2);

    const video = await fetch(`${emu.url}/v1/videos/${id}/content?variant=video`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } });
    await expectServedMp4(video, id);

    const unauthenticated = await fetch(`${emu.url}/v1/videos/${id}/content`);
    expect(unauthenticated.status).toBe(401);
  });

  it('accepts multipart with a typed image file part, and form-encoded nested image_url', async () => {
    const emu = await start({ latencyMs: 50 });
    const form = new FormData();
    form.set('model', 'sora-2-pro');
    form.set('prompt', 'Slow push-in on the product');
    form.set('seconds', '12');
    form.set('size', '720x1280');
    form.set('input_reference', new Blob([PNG_1X1], { type: 'image/png' }), 'ref.png');
    const created = await openai(emu, '/videos', { form });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expectSchema(schema.video, created.body);
    expect(created.body).toMatchObject({ model: 'sora-2-pro', seconds: '12', size: '720x1280', prompt: 'Slow push-in on the product' });

    const nested = new FormData();
    nested.set('prompt', 'x');
    nested.set('input_reference[image_url]', 'https://example.com/ref.jpg');
    expect((await openai(emu, '/videos', { form: nested })).status).toBe(200);

    const done = await pollOpenai(emu, created.body.id);
    expect(done.status).toBe('completed');
  });

  it('accepts every input_reference dialect in JSON: image_url (https and data:), file_id, plain URL or base64 string', async () => {
    const emu = await start();
    const dataUrl = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
    for (const inputReference of [
      { image_url: 'https://example.com/reference.jpg' },
      { image_url: dataUrl },
      { file_id: 'file-123' },
      'https://example.com/reference-image.jpg',
      PNG_1X1.toString('base64'),
      dataUrl,
    ]) {
      const answer = await openai(emu, '/videos', { json: { prompt: 'animate this', input_reference: inputReference } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
  });

  it('accepts reseller extras and defaults model, seconds and size', async () => {
    const emu = await start();
    const answer = await openai(emu, '/videos', { json: { prompt: 'x', aspect_ratio: '16:9', resolution: '720p', seed: 7, model: null } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ model: 'sora-2', seconds: '4', size: '720x1280' });
  });

  it('takes the Huixingyun sizes and serves each size at its aspect ratio', async () => {
    const emu = await start({ latencyMs: 0 });
    for (const [size, landscape] of [
      ['1920x1080', true],
      ['1080x1920', false],
      ['3840x2160', true],
      ['2160x3840', false],
      ['1792x1024', true],
      ['1024x1792', false],
    ] as const) {
      const { body } = await openai(emu, '/videos', { json: { model: 'veo-3.1-fast-generate-001', prompt: 'x', seconds: '4', size } });
      expect(body.size).toBe(size);
      const video = Buffer.from(await (await fetch(`${emu.url}/v1/videos/${body.id}/content`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } })).arrayBuffer());
      const at = video.indexOf('tkhd', 0, 'latin1');
      // version 0 tkhd: width/height are the last 8 bytes of the 84-byte box body.
      const width = video.readUInt32BE(at + 4 + 76) >> 16;
      const height = video.readUInt32BE(at + 4 + 80) >> 16;
      expect(width > height, size).toBe(landscape);
    }
  });

  it('serves thumbnail (webp) and spritesheet (jpeg) variants, and refuses unknown ones', async () => {
    const emu = await start({ latencyMs: 0 });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const thumb = await fetch(`${emu.url}/v1/videos/${body.id}/content?variant=thumbnail`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } });
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await thumb.arrayBuffer()).subarray(8, 12).toString('latin1')).toBe('WEBP');
    const sheet = await fetch(`${emu.url}/v1/videos/${body.id}/content?variant=spritesheet`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } });
    expect(sheet.headers.get('content-type')).toBe('image/jpeg');
    const bad = await openai(emu, `/videos/${body.id}/content?variant=gif`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ param: 'variant', code: 'invalid_value' });
  });

  it('reports failed jobs with an error object and refuses their content', async () => {
    const emu = await start({ latencyMs: 30, failRate: 1 });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const failed = await pollOpenai(emu, body.id);
    expectSchema(schema.video, failed);
    expect(failed).toMatchObject({ status: 'failed', completed_at: null, error: { code: 'video_generation_failed', message: expect.any(String) } });
    const content = await openai(emu, `/videos/${body.id}/content`);
    expect(content.status).toBe(400);
  });

  it('answers unknown ids with 404 in the OpenAI envelope', async () => {
    const emu = await start();
    for (const suffix of ['', '/content']) {
      const answer = await openai(emu, `/videos/video_doesnotexist${suffix}`);
      expect(answer.status).toBe(404);
      expectSchema(schema.error, answer.body);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'not_found' });
    }
    expect((await openai(emu, '/videos/video_x', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('OpenAI videos: validation like the real service', () => {
  it('refuses a numeric seconds with the exact OpenAI error', async () => {
    const emu = await start();
    const answer = await openai(emu, '/videos', { json: { prompt: 'x', seconds: 8 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        message: "Invalid type for 'seconds': expected a string, but got an integer instead.",
        type: 'invalid_request_error',
        param: 'seconds',
        code: 'invalid_type',
      },
    });
    expect(emu.stats().jobs.created).toBe(0);
  });

  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['seconds not in the list', { prompt: 'x', seconds: '5' }, 'seconds', 'invalid_value'],
    ['a decimal seconds', { prompt: 'x', seconds: 4.5 }, 'seconds', 'invalid_type'],
    ['size not in the list', { prompt: 'x', size: '640x480' }, 'size', 'invalid_value'],
    ['size as WxH with capitals', { prompt: 'x', size: '1280X720' }, 'size', 'invalid_value'],
    ['a numeric size', { prompt: 'x', size: 720 }, 'size', 'invalid_type'],
    ['an empty prompt', { prompt: '' }, 'prompt', 'string_below_min_length'],
    ['a missing prompt', { model: 'sora-2' }, 'prompt', 'missing_required_parameter'],
    ['a prompt over 32000 characters', { prompt: 'a'.repeat(32001) }, 'prompt', 'string_above_max_length'],
    ['a non-string prompt', { prompt: ['x'] }, 'prompt', 'invalid_type'],
    ['a non-string model', { prompt: 'x', model: 2 }, 'model', 'invalid_type'],
    ['input_reference with both image_url and file_id', { prompt: 'x', input_reference: { image_url: 'https://a/b.png', file_id: 'f' } }, 'input_reference', 'invalid_value'],
    ['input_reference image_url that is not a URL', { prompt: 'x', input_reference: { image_url: 'refs/product.png' } }, 'input_reference.image_url', 'invalid_value'],
    ['input_reference as a local path string', { prompt: 'x', input_reference: 'refs/product.png' }, 'input_reference', 'invalid_value'],
    ['input_reference as base64 of something not an image', { prompt: 'x', input_reference: Buffer.from('hello').toString('base64') }, 'input_reference', 'invalid_value'],
  ];
  it.each(cases)('refuses %s', async (_name, json, param, code) => {
    const emu = await start();
    const answer = await openai(emu, '/videos', { json });
    expect(answer.status).toBe(400);
    expectSchema(schema.error, answer.body);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('checks multipart fields the same way, and refuses an untyped or non-image file part', async () => {
    const emu = await start();
    const seconds = new FormData();
    seconds.set('prompt', 'x');
    seconds.set('seconds', '6');
    expect((await openai(emu, '/videos', { form: seconds })).body.error).toMatchObject({ param: 'seconds', code: 'invalid_value' });

    const untyped = new FormData();
    untyped.set('prompt', 'x');
    untyped.set('input_reference', new Blob([PNG_1X1]), 'ref.png');
    const refused = await openai(emu, '/videos', { form: untyped });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'input_reference', message: expect.stringContaining('application/octet-stream') });

    const lying = new FormData();
    lying.set('prompt', 'x');
    lying.set('input_reference', new Blob([Buffer.from('plain text')], { type: 'image/png' }), 'ref.png');
    expect((await openai(emu, '/videos', { form: lying })).status).toBe(400);

    const noPrompt = new FormData();
    noPrompt.set('seconds', '4');
    expect((await openai(emu, '/videos', { form: noPrompt })).body.error.param).toBe('prompt');
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('refuses a body that is not JSON, or of another content type', async () => {
    const emu = await start();
    const broken = await fetch(`${emu.url}/v1/videos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OPENAI_KEY}`, 'Content-Type': 'application/json' },
      body: '{"prompt":',
    });
    expect(broken.status).toBe(400);
    const text = await fetch(`${emu.url}/v1/videos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OPENAI_KEY}`, 'Content-Type': 'text/plain' },
      body: 'make a video',
    });
    expect(text.status).toBe(400);
  });
});

describe('OpenAI videos: list, delete, remix', () => {
  it('lists this key’s videos with limit, order and after', async () => {
    const emu = await start({ latencyMs: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await openai(emu, '/videos', { json: { prompt: `video ${i}` } })).body.id);
      await sleep(2);
    }
    await openai(emu, '/videos', { json: { prompt: 'someone else' }, key: 'sk-other' });

    const page = await openai(emu, '/videos?limit=2&order=asc');
    expectSchema(schema.list, page.body);
    expect(page.body).toMatchObject({ object: 'list', first_id: ids[0], last_id: ids[1], has_more: true });
    const rest = await openai(emu, `/videos?limit=2&order=asc&after=${page.body.last_id}`);
    expect(rest.body).toMatchObject({ first_id: ids[2], last_id: ids[2], has_more: false });
    const desc = await openai(emu, '/videos');
    expect(desc.body.data.map((v: { id: string }) => v.id)).toEqual([...ids].reverse());
    expect((await openai(emu, '/videos?limit=101')).status).toBe(400);
    expect((await openai(emu, '/videos?order=up')).status).toBe(400);
    const empty = await openai(emu, '/videos', { key: 'sk-nobody' });
    expect(empty.body).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('deletes finished videos only; a deleted video is gone', async () => {
    const latency = 500;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const early = await openai(emu, `/videos/${body.id}`, { method: 'DELETE' });
    if (stillWithin(began, latency)) expect(early.status).toBe(400);
    await pollOpenai(emu, body.id);
    const deleted = await openai(emu, `/videos/${body.id}`, { method: 'DELETE' });
    expectSchema(schema.deleted, deleted.body);
    expect(deleted.body).toEqual({ id: body.id, object: 'video.deleted', deleted: true });
    expect((await openai(emu, `/videos/${body.id}`)).status).toBe(404);
    expect((await openai(emu, `/videos/${body.id}/content`)).status).toBe(404);
    expect((await openai(emu, '/videos')).body.data).toEqual([]);
  });

  it('remixes a completed video into a new job', async () => {
    const latency = 500;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x', size: '1280x720', seconds: '8' } });
    const early = await openai(emu, `/videos/${body.id}/remix`, { json: { prompt: 'y' } });
    if (stillWithin(began, latency)) expect(early.status).toBe(400);
    await pollOpenai(emu, body.id);
    const remix = await openai(emu, `/videos/${body.id}/remix`, { json: { prompt: 'now at night' } });
    expect(remix.status).toBe(200);
    expectSchema(schema.video, remix.body);
    expect(remix.body).toMatchObject({ remixed_from_video_id: body.id, prompt: 'now at night', size: '1280x720', seconds: '8', status: 'queued' });
  });
});

describe('OpenAI videos: auth', () => {
  it('wants a Bearer key and answers 401 invalid_api_key without echoing it', async () => {
    const emu = await start({ apiKey: 'sk-right' });
    const missing = await openai(emu, '/videos', { key: null, json: { prompt: 'x' } });
    expect(missing.status).toBe(401);
    expectSchema(schema.error, missing.body);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    const wrong = await openai(emu, '/videos', { key: 'sk-wrong-secret', json: { prompt: 'x' } });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('sk-wrong-secret');
    const heygenHeader = await openai(emu, '/videos', { key: null, headers: { 'X-Api-Key': 'sk-right' } });
    expect(heygenHeader.status).toBe(401);
    expect((await openai(emu, '/videos', { key: 'sk-right', json: { prompt: 'x' } })).status).toBe(200);
    expect(emu.stats().jobs.created).toBe(1);
  });
});

describe('OpenAI videos: the official SDK as a client', () => {
  it('creates, retrieves, lists, downloads and deletes', async () => {
    const emu = await start({ latencyMs: 50 });
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${emu.url}/v1`, maxRetries: 0 });
    const video = await client.videos.create({ model: 'sora-2', prompt: 'A lighthouse in a storm', seconds: '4', size: '1280x720' });
    expect(video.status).toBe('queued');
    const withFile = await client.videos.create({
      prompt: 'animate',
      input_reference: await toFile(PNG_1X1, 'ref.png', { type: 'image/png' }),
    });
    expect(withFile.id).toMatch(/^video_/);
    await sleep(80);
    expect((await client.videos.retrieve(video.id)).status).toBe('completed');
    const listed = [];
    for await (const item of client.videos.list({ order: 'asc' })) listed.push(item.id);
    expect(listed).toEqual([video.id, withFile.id]);
    const content = await client.videos.downloadContent(video.id, { variant: 'video' });
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(mp4Boxes(bytes)[0]?.type).toBe('ftyp');
    expect((await client.videos.delete(video.id)).deleted).toBe(true);
    // The SDK sends multipart, where every field is a string: a bad value is still refused.
    await expect(client.videos.create({ prompt: 'x', seconds: '5' as '4' })).rejects.toMatchObject({ status: 400, code: 'invalid_value', param: 'seconds' });
  });
});
