/** The emulator's fal hosts over real HTTP: the queue, the storage REST host, the CDN and the platform API. */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { PNG_1X1, expectServedMp4, observe, sleep, stillWithin, useEmulators, type JsonAnswer } from './emulator-helpers.js';

const KEY = 'fal-emulator-test-key';
const start = useEmulators();

async function fal<T = any>(
  emu: RunningEmulator,
  path: string,
  init: { method?: string; json?: unknown; body?: Buffer; key?: string | null; auth?: string } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = {};
  if (init.key !== null) headers.authorization = init.auth ?? `Key ${init.key ?? KEY}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const response = await fetch(path.startsWith('http') ? path : `${emu.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const submit = (emu: RunningEmulator, model: string, input: Record<string, unknown>, key?: string) =>
  fal(emu, `/fal/queue/${model}`, { json: input, ...(key ? { key } : {}) });

async function completed(emu: RunningEmulator, statusUrl: string): Promise<void> {
  await observe(() => fal(emu, statusUrl), (answer) => answer.body.status === 'COMPLETED');
}

describe('fal queue: submit, status, result', () => {
  it('walks IN_QUEUE → IN_PROGRESS (202) → COMPLETED (200) at app-root URLs, then serves the result and a keyless video', async () => {
    const latency = 800;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const created = await submit(emu, 'fal-ai/veo3.1/image-to-video', { prompt: 'slow push-in on a lighthouse', image_url: 'https://example.com/l.png', duration: '8s', resolution: '720p' });
    expect(created.status).toBe(200);
    expect(created.headers.get('x-fal-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const id: string = created.body.request_id;
    const root = `${emu.url}/fal/queue/fal-ai/veo3.1/requests/${encodeURIComponent(id)}`;
    expect(created.body).toEqual({ request_id: id, status: 'IN_QUEUE', queue_position: 0, response_url: root, status_url: `${root}/status`, cancel_url: `${root}/cancel` });

    const early = await fal(emu, created.body.response_url);
    if (stillWithin(began, latency)) expect(early).toMatchObject({ status: 400, body: { detail: 'Request is still in progress' } });

    const walk = await observe(() => fal(emu, `${created.body.status_url}?logs=1`), (answer) => answer.body.status === 'COMPLETED');
    const order = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'];
    const ranks = walk.map((answer) => order.indexOf(answer.body.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    expect(walk.some((answer) => answer.body.status === 'IN_PROGRESS')).toBe(true);
    for (const answer of walk.slice(0, -1)) expect(answer.status).toBe(202);
    const done = walk.at(-1)!;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', request_id: id, response_url: root, metrics: { inference_time: expect.any(Number) } });
    expect(done.body.logs.map((log: { message: string }) => log.message)).toEqual(['sampling', 'done']);

    const result = await fal(emu, created.body.response_url);
    expect(result.status).toBe(200);
    expect(result.body.video).toMatchObject({ url: `${emu.url}/fal/cdn/videos/${encodeURIComponent(id)}.mp4`, content_type: 'video/mp4', file_name: 'output.mp4' });
    const video = await fetch(result.body.video.url);
    await expectServedMp4(video, id);
    expect(Number(video.headers.get('content-length'))).toBe(result.body.video.file_size);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it('answers status and result only under the app root, never under the full model path', async () => {
    const emu = await start({ latencyMs: 50 });
    const { body } = await submit(emu, 'fal-ai/kling-video/v3/pro/text-to-video', { prompt: 'p', duration: '5' });
    await completed(emu, body.status_url);
    const full = `/fal/queue/fal-ai/kling-video/v3/pro/text-to-video/requests/${body.request_id}`;
    expect((await fal(emu, `${full}/status`)).status).toBe(404);
    expect((await fal(emu, full)).status).toBe(404);
    // Another app's root does not know it either.
    expect((await fal(emu, `/fal/queue/fal-ai/veo3.1/requests/${body.request_id}/status`)).status).toBe(404);
    expect((await fal(emu, `/fal/queue/fal-ai/kling-video/requests/${body.request_id}`)).status).toBe(200);
  });

  it('takes the key as `Authorization: Key …` only, and never echoes it', async () => {
    const emu = await start({ latencyMs: 50, apiKey: KEY });
    expect((await submit(emu, 'fal-ai/veo3.1', { prompt: 'p' })).status).toBe(200);
    expect((await fal(emu, '/fal/queue/fal-ai/veo3.1', { json: { prompt: 'p' }, key: null })).status).toBe(401);
    expect((await fal(emu, '/fal/queue/fal-ai/veo3.1', { json: { prompt: 'p' }, auth: `Bearer ${KEY}` })).status).toBe(401);
    const wrong = await fal(emu, '/fal/queue/fal-ai/veo3.1', { json: { prompt: 'p' }, key: 'not-the-key-123' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-key-123');
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('answers for requests an earlier emulator process created (their state lives in their ids)', async () => {
    const first = await start({ latencyMs: 50 });
    const { body } = await submit(first, 'bytedance/seedance-2.0/text-to-video', { prompt: 'p', resolution: '480p' });
    const second = await start({ latencyMs: 50 });
    await sleep(100);
    const path = new URL(body.response_url).pathname;
    expect((await fal(second, `${path}/status`)).body.status).toBe('COMPLETED');
    expect((await fal(second, path)).body.video.url).toContain(second.url);
  });
});

describe('fal queue: how requests end', () => {
  it('queues invalid input like any other, and says what was wrong only in the result (422 detail list)', async () => {
    const emu = await start({ latencyMs: 50 });
    const cases: Array<[string, Record<string, unknown>, unknown[]]> = [
      ['fal-ai/veo3.1', { duration: '8s' }, [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }]],
      ['fal-ai/veo3.1', { prompt: 'p', duration: 8 }, [{ loc: ['body', 'duration'], msg: "Input should be '4s', '6s', '8s'", type: 'literal_error' }]],
      ['fal-ai/kling-video/v3/pro/image-to-video', { prompt: 'p', image_url: 'https://example.com/a.png' }, [{ loc: ['body', 'start_image_url'], msg: 'Field required', type: 'missing' }]],
      ['bytedance/seedance-2.0/image-to-video', { prompt: 'p', image_url: `${emu.url}/fal/cdn/files/00ff/x.png` }, [{ loc: ['body', 'image_url'], msg: 'Failed to download the file', type: 'file_download_error' }]],
    ];
    for (const [model, input, detail] of cases) {
      const created = await submit(emu, model, input);
      expect(created.status).toBe(200);
      await completed(emu, created.body.status_url);
      const result = await fal(emu, created.body.response_url);
      expect(result.status, JSON.stringify(input)).toBe(422);
      expect(result.headers.get('x-fal-retryable')).toBe('false');
      expect(result.body).toEqual({ detail });
    }
    // Kling v3 takes multi_prompt instead of prompt; an endpoint the emulator does not know needs only a prompt.
    const multi = await submit(emu, 'fal-ai/kling-video/v3/pro/text-to-video', { multi_prompt: [{ prompt: 'a' }] });
    const other = await submit(emu, 'fal-ai/ltx-2/text-to-video', { prompt: 'p', anything: 1 });
    for (const { body } of [multi, other]) {
      await completed(emu, body.status_url);
      expect((await fal(emu, body.response_url)).status).toBe(200);
    }
  });

  it('refuses malformed JSON at the door, creating nothing', async () => {
    const emu = await start({ latencyMs: 50 });
    const answer = await fal(emu, '/fal/queue/fal-ai/veo3.1', { body: Buffer.from('{"prompt":') });
    expect(answer).toMatchObject({ status: 422, body: { detail: [{ type: 'json_invalid' }] } });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('ends moderated requests COMPLETED with a 422 content_policy_violation, failed ones with runner or model errors', async () => {
    const moderated = await start({ latencyMs: 50, moderationRate: 1 });
    const flagged = await submit(moderated, 'fal-ai/veo3.1', { prompt: 'p' });
    await completed(moderated, flagged.body.status_url);
    const refused = await fal(moderated, flagged.body.response_url);
    expect(refused.status).toBe(422);
    expect(refused.body.detail[0]).toMatchObject({ loc: ['body', 'prompt'], type: 'content_policy_violation' });

    const failing = await start({ latencyMs: 50, failRate: 1 });
    const answers = [];
    for (const n of [1, 2]) {
      const { body } = await submit(failing, 'fal-ai/veo3.1', { prompt: `p${n}` });
      await completed(failing, body.status_url);
      answers.push(await fal(failing, body.response_url));
    }
    expect(answers[0]).toMatchObject({ status: 500, body: { error_type: 'runner_server_error' } });
    expect(answers[0]!.headers.get('x-fal-error-type')).toBe('runner_server_error');
    expect(answers[1]).toMatchObject({ status: 422, body: { detail: [{ type: 'generation_failed' }] } });
    expect(answers[1]!.headers.get('x-fal-retryable')).toBe('true');
    expect(failing.stats().jobs).toMatchObject({ created: 2, failed: 2 });
  });

  it('keeps a result for resultTtlMs only, and its video on the CDN for contentTtlMs', async () => {
    const emu = await start({ latencyMs: 50, resultTtlMs: 150, contentTtlMs: 600 });
    const { body } = await submit(emu, 'fal-ai/veo3.1', { prompt: 'p' });
    await completed(emu, body.status_url);
    const doneAt = Date.now();
    const video: string = (await fal(emu, body.response_url)).body.video.url;
    await sleep(200);
    expect(await fal(emu, body.response_url)).toMatchObject({ status: 404, body: { detail: 'Request result is no longer available' } });
    expect((await fal(emu, body.status_url)).body.status).toBe('COMPLETED');
    // The video outlives the result: a client that kept its URL still gets it, for a while.
    const kept = await fetch(video);
    if (stillWithin(doneAt, 550)) expect(kept.status).toBe(200);
    await sleep(500);
    expect((await fetch(video)).status).toBe(404);
  });

  it('cancels a waiting request, and says ALREADY_COMPLETED or NOT_FOUND otherwise', async () => {
    const emu = await start({ latencyMs: 2000 });
    const { body } = await submit(emu, 'fal-ai/veo3.1', { prompt: 'p' });
    expect(await fal(emu, body.cancel_url, { method: 'PUT' })).toMatchObject({ status: 202, body: { status: 'CANCELLATION_REQUESTED' } });
    expect((await fal(emu, body.status_url)).status).toBe(404);
    expect(await fal(emu, body.cancel_url, { method: 'PUT' })).toMatchObject({ status: 404, body: { status: 'NOT_FOUND' } });

    const quick = await start({ latencyMs: 50 });
    const done = await submit(quick, 'fal-ai/veo3.1', { prompt: 'p' });
    await completed(quick, done.body.status_url);
    expect(await fal(quick, done.body.cancel_url, { method: 'PUT' })).toMatchObject({ status: 400, body: { status: 'ALREADY_COMPLETED' } });
  });

  it('holds requests over the per-key limit IN_QUEUE, with their place in line, and refuses none', async () => {
    const emu = await start({ latencyMs: 600, maxConcurrent: 1 });
    const began = Date.now();
    const first = await submit(emu, 'fal-ai/veo3.1', { prompt: 'a' });
    const second = await submit(emu, 'fal-ai/veo3.1', { prompt: 'b' });
    const third = await submit(emu, 'fal-ai/veo3.1', { prompt: 'c' }, 'another-key-456');
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    // The first spends its first 60 ms (a tenth of its run) being scheduled, still IN_QUEUE:
    // the second, made meanwhile, has it ahead in line (a busy machine may take longer).
    if (stillWithin(began, 60)) expect(second.body.queue_position).toBe(1);
    // Another key is another account, with its own limit.
    expect(third.body.queue_position).toBe(0);
    await sleep(200);
    const [running, waiting] = [await fal(emu, first.body.status_url), await fal(emu, second.body.status_url)];
    if (stillWithin(began, 550)) {
      expect(running.body.status).toBe('IN_PROGRESS');
      // Still waiting for the running one to end, with no other request ahead of it in the queue.
      expect(waiting.body).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    }
    const walk = await observe(() => fal(emu, second.body.status_url), (answer) => answer.body.status === 'COMPLETED');
    // It ran only after the first had ended: 600 ms of waiting, then its own 600 ms.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1200);
    expect(walk.at(-1)?.status).toBe(200);
    expect(emu.stats().faults.concurrencyLimited).toBe(1);
  });

  it('injects faults in fal dialect: 503 + Retry-After before a submission creates anything, 500 internal_error on reads', async () => {
    const emu = await start({ latencyMs: 50, errorRate: 1 });
    const refused = await submit(emu, 'fal-ai/veo3.1', { prompt: 'p' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const read = await fal(emu, '/fal/queue/fal-ai/veo3.1/requests/x/status');
    expect(read).toMatchObject({ status: 500, body: { error_type: 'internal_error' } });
    expect(emu.stats().jobs.created).toBe(0);
  });
});

describe('fal storage and platform hosts', () => {
  it('initiates an upload (with the key), takes the bytes at the signed URL (without), serves them from the CDN', async () => {
    const emu = await start({ latencyMs: 50 });
    const initiated = await fal(emu, '/fal/rest/storage/upload/initiate?storage_type=fal-cdn-v3', { json: { content_type: 'image/png', file_name: 'l.png' } });
    expect(initiated.status).toBe(200);
    expect(initiated.body.upload_url).toMatch(/\/fal\/cdn\/uploads\/[0-9a-f]{32}$/);
    expect(initiated.body.file_url).toMatch(/\/fal\/cdn\/files\/[0-9a-f]{32}\/l\.png$/);
    expect((await fetch(initiated.body.file_url)).status).toBe(404);
    const put = await fetch(initiated.body.upload_url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG_1X1 });
    expect(put.status).toBe(200);
    const file = await fetch(initiated.body.file_url);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(emu.stats().authOnVideoUrls).toBe(0);
    // A key sent to the CDN is a leak, and counted.
    await fetch(initiated.body.file_url, { headers: { authorization: `Key ${KEY}` } });
    expect(emu.stats().authOnVideoUrls).toBe(1);
    expect((await fal(emu, '/fal/rest/storage/upload/initiate', { json: { file_name: 'x' } })).status).toBe(422);
  });

  it("lists an endpoint's requests of the caller's key, with their input, a page at a time", async () => {
    const emu = await start({ latencyMs: 50 });
    for (const n of [1, 2, 3]) await submit(emu, 'fal-ai/veo3.1', { prompt: `shot ${n}`, duration: '4s' });
    await submit(emu, 'fal-ai/veo3.1/fast', { prompt: 'other endpoint' });
    await submit(emu, 'fal-ai/veo3.1', { prompt: 'other key' }, 'another-key-456');
    const list = (query: string) => fal(emu, `/fal/api/v1/models/requests/by-endpoint?endpoint_id=fal-ai/veo3.1&${query}`);
    const first = await list('limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { json_input: { prompt: string } }) => item.json_input.prompt)).toEqual(['shot 1', 'shot 2']);
    expect(first.body.items[0]).toMatchObject({ endpoint_id: 'fal-ai/veo3.1', json_input: { duration: '4s' }, request_id: expect.any(String) });
    const rest = await list(`limit=2&cursor=${first.body.next_cursor}`);
    expect(rest.body).toMatchObject({ items: [{ json_input: { prompt: 'shot 3' } }], next_cursor: null });
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list(`start=${encodeURIComponent(future)}`)).body.items).toEqual([]);
    expect((await fal(emu, '/fal/api/v1/models/requests/by-endpoint')).status).toBe(422);
    expect(await list('end=yesterday')).toMatchObject({ status: 422, body: { detail: 'start and end must be ISO 8601 times' } });
  });
});
