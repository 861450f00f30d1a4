/** The emulator's Replicate API over real HTTP: predictions, listing, files, the delivery host, its quirks. */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { expectServedMp4, observe, PNG_1X1, sleep, useEmulators } from './emulator-helpers.js';

const KEY = 'r8_emulator_test_token';
const VERSION = 'f'.repeat(64);
const start = useEmulators();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function replicate(emu: RunningEmulator, path: string, init: { method?: string; json?: unknown; key?: string | null; headers?: Record<string, string>; form?: FormData } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`;
  let body: RequestInit['body'] = init.form;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${emu.url}/v1${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const veo = (input: Record<string, unknown> = {}) => ({ input: { prompt: 'fog rolling over a pier', duration: 8, aspect_ratio: '16:9', ...input } });
const create = (emu: RunningEmulator, input: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  replicate(emu, '/models/google/veo-3.1/predictions', { json: veo(input), headers });

async function untilDone(emu: RunningEmulator, id: string): Promise<any[]> {
  return observe(async () => (await replicate(emu, `/predictions/${id}`)).body, (p) => p.completed_at !== null);
}

describe('Replicate predictions', () => {
  it('creates on an official model and walks starting → processing → succeeded', async () => {
    const emu = await start({ latencyMs: 500 });
    const created = await create(emu, { resolution: '720p', generate_audio: false });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({
      model: 'google/veo-3.1',
      version: 'hidden',
      status: 'starting',
      input: { prompt: 'fog rolling over a pier', duration: 8, aspect_ratio: '16:9', resolution: '720p', generate_audio: false },
      output: null,
      error: null,
      data_removed: false,
      started_at: null,
      completed_at: null,
      urls: { get: `${emu.url}/v1/predictions/${id}`, cancel: `${emu.url}/v1/predictions/${id}/cancel` },
    });
    const walk = await untilDone(emu, id);
    const order = ['starting', 'processing', 'succeeded'];
    const seen = walk.map((p) => order.indexOf(p.status));
    expect(seen.every((index, i) => index >= 0 && (i === 0 || index >= seen[i - 1]!))).toBe(true);
    const done = walk.at(-1);
    expect(done.status).toBe('succeeded');
    expect(typeof done.output).toBe('string');
    expect(done.metrics.predict_time).toBeGreaterThan(0);
    // Delivery takes no key, and counts one that is sent anyway.
    await expectServedMp4(await fetch(done.output), id);
    expect(emu.stats().authOnVideoUrls).toBe(0);
    await fetch(done.output, { headers: { authorization: `Bearer ${KEY}` } });
    expect(emu.stats().authOnVideoUrls).toBe(1);
  });

  it('runs a version through POST /predictions, answering a list of outputs', async () => {
    const emu = await start({ latencyMs: 50 });
    const created = await replicate(emu, '/predictions', { json: { version: VERSION, input: { prompt: 'anything', steps: 30 } } });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(VERSION);
    const done = (await untilDone(emu, created.body.id)).at(-1);
    expect(done.output).toEqual([expect.stringContaining('/_emulator/replicate-delivery/')]);
  });

  it('honours Prefer: wait: held until done, or answered incomplete with a Location', async () => {
    const quick = await start({ latencyMs: 150 });
    const held = await create(quick, {}, { prefer: 'wait' });
    expect(held.body.status).toBe('succeeded');
    expect(held.headers.get('location')).toBeNull();
    const slow = await start({ latencyMs: 5000 });
    const began = Date.now();
    const partial = await create(slow, {}, { prefer: 'wait=1' });
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect(['starting', 'processing']).toContain(partial.body.status);
    expect(partial.headers.get('location')).toBe(partial.body.urls.get);
  });

  it('shows a file output while still processing; the file is served only once it succeeded', async () => {
    const emu = await start({ latencyMs: 1000 });
    const { id } = (await create(emu)).body;
    const walk = await observe(async () => (await replicate(emu, `/predictions/${id}`)).body, (p) => p.status === 'processing' && p.output !== null);
    const early = walk.at(-1);
    const served = await fetch(early.output);
    const now = (await replicate(emu, `/predictions/${id}`)).body.status;
    if (now === 'processing') expect(served.status).toBe(404);
    await untilDone(emu, id);
    expect((await fetch(early.output)).status).toBe(200);
  });

  it('removes inputs and outputs after the retention window (data_removed)', async () => {
    const emu = await start({ latencyMs: 50, contentTtlMs: 200 });
    const { id } = (await create(emu)).body;
    const done = (await untilDone(emu, id)).at(-1);
    await sleep(250);
    const later = (await replicate(emu, `/predictions/${id}`)).body;
    expect(later).toMatchObject({ status: 'succeeded', data_removed: true, input: {}, output: null });
    expect((await fetch(done.output)).status).toBe(404);
  });

  it('ends failing predictions as failed, canceled and aborted in turn; refusals as failed (E005)', async () => {
    const emu = await start({ latencyMs: 30, failRate: 1 });
    const ends = [];
    for (let i = 0; i < 3; i++) ends.push((await untilDone(emu, (await create(emu)).body.id)).at(-1));
    expect(ends.map((p) => p.status)).toEqual(['failed', 'canceled', 'aborted']);
    expect(typeof ends[0].error).toBe('string');
    expect(ends[2].started_at).toBeNull();
    const moderated = await start({ latencyMs: 30, moderationRate: 1 });
    const refused = (await untilDone(moderated, (await create(moderated)).body.id)).at(-1);
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringContaining('(E005)') });
  });

  it('cancels a running prediction; a finished one keeps its status', async () => {
    const emu = await start({ latencyMs: 2000 });
    const { id } = (await create(emu)).body;
    expect((await replicate(emu, `/predictions/${id}/cancel`, { method: 'POST' })).body.status).toBe('canceled');
    expect((await replicate(emu, `/predictions/${id}`)).body.status).toBe('canceled');
    const quick = await start({ latencyMs: 20 });
    const done = (await create(quick, {}, { prefer: 'wait' })).body;
    expect((await replicate(quick, `/predictions/${done.id}/cancel`, { method: 'POST' })).body.status).toBe('succeeded');
    expect((await replicate(quick, '/predictions/rp-unknown')).status).toBe(404);
  });
});

describe('Replicate refusals', () => {
  it('checks the token and never echoes it', async () => {
    const emu = await start({ apiKey: KEY });
    const missing = await replicate(emu, '/predictions', { key: null });
    expect(missing.status).toBe(401);
    const wrong = await replicate(emu, '/predictions', { key: 'r8_wrong' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('r8_wrong');
  });

  it('validates an official model\'s input with 422 and invalid_fields', async () => {
    const emu = await start();
    const bad = await create(emu, { duration: 5, aspect_ratio: '1:1', generate_audio: 'yes', last_frame: 'https://example.com/l.png' });
    expect(bad.status).toBe(422);
    expect(bad.body.title).toBe('Input validation failed');
    expect(bad.body.invalid_fields.map((f: { field: string }) => f.field).sort()).toEqual(['input.aspect_ratio', 'input.duration', 'input.generate_audio', 'input.last_frame']);
    expect((await replicate(emu, '/models/google/veo-3.1/predictions', { json: { input: { duration: 8 } } })).body.invalid_fields[0].field).toBe('input.prompt');
    expect((await create(emu, { image: 'data:image/png;base64,bm90IGFuIGltYWdl' })).status).toBe(422);
    expect((await create(emu, { image: `${emu.url}/v1/files/0000` })).status).toBe(422);
    expect((await replicate(emu, '/models/nobody/nothing/predictions', { json: veo() })).status).toBe(404);
    expect((await replicate(emu, '/predictions', { json: { version: 'not-a-version', input: {} } })).status).toBe(422);
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('throttles beyond the account\'s jobs in flight and refuses an account out of credit', async () => {
    const emu = await start({ latencyMs: 2000, maxConcurrent: 1 });
    expect((await create(emu)).status).toBe(201);
    const throttled = await create(emu);
    expect(throttled.status).toBe(429);
    expect(throttled.body.detail).toMatch(/^Request was throttled/);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const broke = await start({ creditLimit: 0 });
    const refused = await create(broke);
    expect(refused.status).toBe(402);
    expect(refused.body.detail).toMatch(/insufficient credit/);
  });
});

describe('Replicate listing and files', () => {
  it('lists newest first, filtered by created_after, paged by a next URL', async () => {
    const emu = await start({ latencyMs: 5000, maxConcurrent: 500 });
    const first = (await create(emu)).body.id;
    await sleep(20);
    const cut = new Date().toISOString();
    await sleep(20);
    const ids: string[] = [];
    for (let i = 0; i < 102; i++) ids.push((await create(emu, { prompt: `shot ${i}` })).body.id);
    const page = await replicate(emu, `/predictions?created_after=${encodeURIComponent(cut)}`);
    expect(page.body.results).toHaveLength(100);
    expect(page.body.results[0].id).toBe(ids.at(-1));
    expect(page.body.results[0].input.prompt).toBe('shot 101');
    expect(page.body.next).toContain('cursor=');
    const rest = await fetch(page.body.next, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.json() as Promise<any>);
    expect(rest.results.map((p: { id: string }) => p.id)).toEqual([ids[1], ids[0]]);
    expect(rest.next).toBeNull();
    const all = (await replicate(emu, '/predictions')).body;
    expect(all.results.some((p: { id: string }) => p.id === first)).toBe(false);
    expect((await replicate(emu, '/predictions?created_after=yesterday')).status).toBe(400);
    // Another account sees none of them.
    expect((await replicate(emu, '/predictions', { key: 'r8_other_account' })).body.results).toEqual([]);
  });

  it('takes uploads in a `content` part and lets predictions name them', async () => {
    const emu = await start({ latencyMs: 30 });
    const form = new FormData();
    form.append('content', new Blob([PNG_1X1], { type: 'image/png' }), 'frame.png');
    const uploaded = await replicate(emu, '/files', { form });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ content_type: 'image/png', size: PNG_1X1.length, urls: { get: expect.stringMatching(/\/v1\/files\/[0-9a-f]+$/) } });
    expect((await replicate(emu, `/files/${uploaded.body.id}`)).body.id).toBe(uploaded.body.id);
    expect((await create(emu, { image: uploaded.body.urls.get })).status).toBe(201);
    const text = new FormData();
    text.append('content', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    expect((await replicate(emu, '/files', { form: text })).status).toBe(400);
    expect((await replicate(emu, '/files', { json: {} })).status).toBe(400);
  });
});
