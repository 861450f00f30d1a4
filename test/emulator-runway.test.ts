/** The emulator's Runway API over real HTTP: the version header, per-model validation, THROTTLED, expiring URLs. */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { expectServedMp4, observe, PNG_1X1, sleep, useEmulators } from './emulator-helpers.js';

const KEY = 'key_emulator_runway_secret';
const VERSION = '2024-11-06';
const start = useEmulators();

interface Answer {
  status: number;
  body: any;
}

async function runway(emu: RunningEmulator, path: string, init: { method?: string; json?: unknown; key?: string | null; version?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`;
  if (init.version !== null) headers['x-runway-version'] = init.version ?? VERSION;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${emu.url}/v1${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const DATA_URI = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
const textToVideo = (body: Record<string, unknown> = {}) => ({ model: 'gen4.5', promptText: 'drone shot over dunes', ratio: '1280:720', duration: 5, ...body });
const imageToVideo = (body: Record<string, unknown> = {}) => ({ ...textToVideo(), promptImage: DATA_URI, ...body });

async function untilDone(emu: RunningEmulator, id: string): Promise<any[]> {
  return observe(async () => (await runway(emu, `/tasks/${id}`)).body, (task) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(task.status));
}

describe('Runway tasks', () => {
  it('requires X-Runway-Version on every route, and a version it speaks', async () => {
    const emu = await start();
    const missing = await runway(emu, '/text_to_video', { json: textToVideo(), version: null });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toContain('X-Runway-Version');
    expect((await runway(emu, '/text_to_video', { json: textToVideo(), version: '2023-01-01' })).status).toBe(400);
    const { id } = (await runway(emu, '/text_to_video', { json: textToVideo() })).body;
    expect((await runway(emu, `/tasks/${id}`, { version: null })).status).toBe(400);
    expect((await runway(emu, `/tasks/${id}`, { method: 'DELETE', version: null })).status).toBe(400);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('checks the key and never echoes it', async () => {
    const emu = await start({ apiKey: KEY });
    expect((await runway(emu, '/text_to_video', { json: textToVideo(), key: null })).status).toBe(401);
    const wrong = await runway(emu, '/text_to_video', { json: textToVideo(), key: 'key_wrong_one' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('key_wrong_one');
  });

  it('walks PENDING → RUNNING (progress 0–1) → SUCCEEDED with a fresh signed URL on every answer', async () => {
    const emu = await start({ latencyMs: 500 });
    const created = await runway(emu, '/image_to_video', { json: imageToVideo() });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(['id']);
    const walk = await untilDone(emu, created.body.id);
    const order = ['PENDING', 'RUNNING', 'SUCCEEDED'];
    const seen = walk.map((task) => order.indexOf(task.status));
    expect(seen.every((index, i) => index >= 0 && (i === 0 || index >= seen[i - 1]!))).toBe(true);
    const progress = walk.filter((task) => task.status === 'RUNNING').map((task) => task.progress);
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(walk.every((task) => typeof task.createdAt === 'string' && task.id === created.body.id)).toBe(true);
    const done = walk.at(-1);
    const again = (await runway(emu, `/tasks/${created.body.id}`)).body;
    expect(again.output[0]).not.toBe(done.output[0]);
    await expectServedMp4(await fetch(done.output[0]), created.body.id);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it('lets output URLs expire (403) while the task signs new ones', async () => {
    const emu = await start({ latencyMs: 20, urlTtlMs: 200 });
    const { id } = (await runway(emu, '/text_to_video', { json: textToVideo() })).body;
    const done = (await untilDone(emu, id)).at(-1);
    await sleep(250);
    expect((await fetch(done.output[0])).status).toBe(403);
    const fresh = (await runway(emu, `/tasks/${id}`)).body;
    expect((await fetch(fresh.output[0])).status).toBe(200);
  });

  it('queues tasks beyond the account\'s concurrency as THROTTLED instead of refusing them', async () => {
    const emu = await start({ latencyMs: 400, maxConcurrent: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runway(emu, '/text_to_video', { json: textToVideo() })).body.id);
    const statuses = await Promise.all(ids.map(async (id) => (await runway(emu, `/tasks/${id}`)).body.status));
    expect(statuses.slice(0, 2).every((status) => status !== 'THROTTLED')).toBe(true);
    expect(statuses[2]).toBe('THROTTLED');
    // Another account has slots of its own.
    const other = await runway(emu, '/text_to_video', { json: textToVideo(), key: 'key_another_account' });
    expect((await runway(emu, `/tasks/${other.body.id}`, { key: 'key_another_account' })).body.status).not.toBe('THROTTLED');
    const walk = await untilDone(emu, ids[2]!);
    expect(walk.at(-1).status).toBe('SUCCEEDED');
    expect(walk.findIndex((task) => task.status !== 'THROTTLED')).toBeGreaterThan(0);
    expect(emu.stats().faults.concurrencyLimited).toBe(0);
  });

  it('fails with SAFETY codes when moderated, INTERNAL.BAD_OUTPUT otherwise, every third such failure CANCELLED', async () => {
    const moderated = await start({ latencyMs: 20, moderationRate: 1 });
    const codes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const done = (await untilDone(moderated, (await runway(moderated, '/text_to_video', { json: textToVideo() })).body.id)).at(-1);
      expect(done.status).toBe('FAILED');
      expect(done.failure).toMatch(/\S/);
      codes.add(done.failureCode);
    }
    expect([...codes].every((code) => /^SAFETY\.(INPUT|OUTPUT)\./.test(code))).toBe(true);
    const failing = await start({ latencyMs: 20, failRate: 1 });
    const ends = [];
    for (let i = 0; i < 3; i++) ends.push((await untilDone(failing, (await runway(failing, '/text_to_video', { json: textToVideo() })).body.id)).at(-1));
    expect(ends.map((task) => task.failureCode ?? task.status)).toEqual(['INTERNAL.BAD_OUTPUT.CODE01', 'INTERNAL.BAD_OUTPUT.CODE01', 'CANCELLED']);
  });

  it('DELETE cancels a task in flight and deletes a finished one', async () => {
    const emu = await start({ latencyMs: 300 });
    const { id } = (await runway(emu, '/text_to_video', { json: textToVideo() })).body;
    expect((await runway(emu, `/tasks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await runway(emu, `/tasks/${id}`)).body.status).toBe('CANCELLED');
    await sleep(350);
    expect((await runway(emu, `/tasks/${id}`)).body.status).toBe('CANCELLED');
    expect((await runway(emu, `/tasks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await runway(emu, `/tasks/${id}`)).status).toBe(404);
    expect((await runway(emu, '/tasks/task-unknown')).body).toEqual({ error: 'Task not found.' });
  });

  it('refuses an account out of credit in its error shape', async () => {
    const emu = await start({ creditLimit: 0 });
    const refused = await runway(emu, '/text_to_video', { json: textToVideo() });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/enough credits/);
  });
});

describe('Runway validation, per the reference\'s model table', () => {
  const cases: Array<[string, 'text_to_video' | 'image_to_video', Record<string, unknown>, string]> = [
    ['an unknown model', 'text_to_video', textToVideo({ model: 'gen9' }), 'model'],
    ['gen4_turbo without an image', 'text_to_video', textToVideo({ model: 'gen4_turbo' }), 'model'],
    ['a ratio as 16:9', 'text_to_video', textToVideo({ ratio: '16:9' }), 'ratio'],
    ['an image ratio on text to video', 'text_to_video', textToVideo({ ratio: '960:960' }), 'ratio'],
    ['no ratio', 'text_to_video', textToVideo({ ratio: undefined }), 'ratio'],
    ['gen4.5 without a duration', 'text_to_video', textToVideo({ duration: undefined }), 'duration'],
    ['gen4.5 for 11 s', 'text_to_video', textToVideo({ duration: 11 }), 'duration'],
    ['veo3 for 6 s', 'text_to_video', textToVideo({ model: 'veo3', ratio: '1920:1080', duration: 6 }), 'duration'],
    ['a prompt of 1001 UTF-16 units', 'text_to_video', textToVideo({ promptText: `${'😀'.repeat(500)}x` }), 'promptText'],
    ['gen4.5 without a prompt', 'text_to_video', textToVideo({ promptText: undefined }), 'promptText'],
    ['audio on gen4.5', 'text_to_video', textToVideo({ audio: true }), 'audio'],
    ['a seed of -1', 'text_to_video', textToVideo({ seed: -1 }), 'seed'],
    ['no image', 'image_to_video', textToVideo(), 'promptImage'],
    ['an http URL', 'image_to_video', imageToVideo({ promptImage: 'http://example.com/a.png' }), 'promptImage'],
    ['an IP address', 'image_to_video', imageToVideo({ promptImage: 'https://10.0.0.1/a.png' }), 'promptImage'],
    ['a data URI of no image', 'image_to_video', imageToVideo({ promptImage: 'data:image/png;base64,aGVsbG8=' }), 'promptImage'],
    ['an upload it never issued', 'image_to_video', imageToVideo({ promptImage: 'runway://uploads/x' }), 'promptImage'],
    ['a last frame on gen4.5', 'image_to_video', imageToVideo({ promptImage: [{ uri: DATA_URI, position: 'first' }, { uri: DATA_URI, position: 'last' }] }), 'promptImage'],
    ['a ratio on HappyHorse image to video', 'image_to_video', imageToVideo({ model: 'happyhorse_1_0', duration: undefined }), 'ratio'],
  ];

  it.each(cases)('refuses %s (400, naming %s)', async (_, endpoint, body, field) => {
    const emu = await start();
    const refused = await runway(emu, `/${endpoint}`, { json: body });
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((issue: { path: string }) => issue.path.split(/[.[]/)[0])).toContain(field);
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('takes what the table documents', async () => {
    const emu = await start();
    const accepted: Array<['text_to_video' | 'image_to_video', Record<string, unknown>]> = [
      ['text_to_video', textToVideo({ model: 'veo3.1_fast', ratio: '1920:1080', duration: 8, audio: false, seed: 4 })],
      ['image_to_video', imageToVideo({ model: 'veo3.1', ratio: '1080:1920', duration: 4, promptImage: [{ uri: DATA_URI, position: 'first' }, { uri: 'https://example.com/l.png', position: 'last' }] })],
      ['image_to_video', imageToVideo({ model: 'gen4_turbo', ratio: '1584:672', duration: undefined })],
      ['text_to_video', textToVideo({ model: 'seedance2', ratio: '2560:1440', duration: undefined, promptText: 'x'.repeat(3500) })],
      ['image_to_video', imageToVideo({ model: 'happyhorse_1_0', ratio: undefined, duration: undefined, resolution: '1080P' })],
      ['text_to_video', textToVideo({ contentModeration: { publicFigureThreshold: 'low' } })],
    ];
    for (const [endpoint, body] of accepted) expect((await runway(emu, `/${endpoint}`, { json: body })).status, JSON.stringify(body).slice(0, 80)).toBe(200);
  });
});
