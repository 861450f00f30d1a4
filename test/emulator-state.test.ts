/** Stats, reset, determinism, stateless job ids across instances, padding, and shutdown. */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeJobId } from '../src/emulator/job-id.js';
import { startEmulator } from '../src/emulator/server.js';
import { OPENAI_KEY, generateVideoBody, heygen, mp4Boxes, openai, pollHeygen, pollOpenai, sleep, stillWithin, useEmulators } from './emulator-helpers.js';

const start = useEmulators();

describe('stats and reset', () => {
  it('counts requests by route pattern, and jobs by their state in time', async () => {
    const latency = 600;
    const emu = await start({ latencyMs: latency, maxConcurrent: 100 });
    const began = Date.now();
    for (let i = 0; i < 3; i++) await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const lastCreated = Date.now();
    await heygen(emu, '/v1/workflows/executions/node-gw-nope');
    await openai(emu, `/videos/${body.id}`);
    await openai(emu, `/videos/${body.id}/content`);
    await fetch(`${emu.url}/no/such/route`);

    const during = emu.stats();
    expect(during.requests).toEqual({
      'GET (no route)': 1,
      'GET /v1/videos/:id': 1,
      'GET /v1/videos/:id/content': 1,
      'GET /v1/workflows/executions/:id': 1,
      'POST /v1/videos': 1,
      'POST /v1/workflows/executions': 3,
    });
    if (stillWithin(began, latency)) expect(during.jobs).toEqual({ created: 4, completed: 0, failed: 0, inFlight: 4, maxInFlight: 4 });
    expect(during.faults).toEqual({ rateLimited: 0, errors: 0, drops: 0, truncations: 0, concurrencyLimited: 0, outOfCredit: 0 });
    expect(during.authOnVideoUrls).toBe(0);

    await sleep(Math.max(0, lastCreated + latency - Date.now()) + 20);
    const after = emu.stats().jobs;
    expect(after).toMatchObject({ created: 4, completed: 4, failed: 0, inFlight: 0 });
    const maxInFlight = after.maxInFlight;
    await openai(emu, '/videos', { json: { prompt: 'x' } });
    expect(emu.stats().jobs).toMatchObject({ created: 5, maxInFlight });

    // Over HTTP too, without auth, never counted themselves.
    const overHttp = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { jobs: { created: number }; requests: Record<string, number> };
    expect(overHttp.jobs.created).toBe(5);
    expect(overHttp.requests['GET /_emulator/stats']).toBeUndefined();

    emu.reset();
    expect(emu.stats()).toEqual({
      requests: {},
      jobs: { created: 0, completed: 0, failed: 0, inFlight: 0, maxInFlight: 0 },
      faults: { rateLimited: 0, errors: 0, drops: 0, truncations: 0, concurrencyLimited: 0, outOfCredit: 0 },
      authOnVideoUrls: 0,
    });
    await openai(emu, '/videos', { json: { prompt: 'x' } });
    expect((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
    expect(emu.stats().jobs.created).toBe(0);
    expect((await openai(emu, '/videos')).body.data).toEqual([]);
  });

  it('keeps maxInFlight exact when jobs of different lengths overlap', async () => {
    const emu = await start({ latencyMs: [30, 300], seed: 8, maxConcurrent: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      ids.push((await openai(emu, '/videos', { json: { prompt: `x${i}` } })).body.id);
      await sleep(20);
    }
    // Recompute from the ids (which carry creation time and latency): at each creation,
    // how many of the jobs created so far were still running.
    const facts = ids.map((id) => decodeJobId(id, { api: 'openai', prefix: 'video_' })!);
    const expected = Math.max(
      ...facts.map((job, i) => facts.slice(0, i + 1).filter((other) => other.createdAt + other.latencyMs > job.createdAt || other === job).length),
    );
    expect(expected).toBeGreaterThanOrEqual(1);
    expect(emu.stats().jobs.maxInFlight).toBe(expected);
    await sleep(320);
    expect(emu.stats().jobs).toMatchObject({ created: 15, completed: 15, inFlight: 0, maxInFlight: expected });
  });

  it('is never subject to faults or auth', async () => {
    const emu = await start({ apiKey: 'k', rateLimitRate: 1, errorRate: 1, dropRate: 1 });
    for (let i = 0; i < 5; i++) expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(200);
    expect((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
  });
});

describe('determinism', () => {
  async function script(emu: Awaited<ReturnType<typeof start>>): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      const hg = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
      const oa = await openai(emu, '/videos', { json: { prompt: `x${i}` } });
      seen.push(`${hg.status}/${oa.status}`);
      for (const id of [hg.body?.data?.execution_id, oa.body?.id]) {
        if (!id) continue;
        const poll = id.startsWith('video_') ? await openai(emu, `/videos/${id}`) : await heygen(emu, `/v1/workflows/executions/${id}`);
        seen.push(`${poll.status}:${poll.body?.status ?? poll.body?.data?.status}`);
      }
    }
    return seen;
  }

  it('replays the same faults and fates for the same seed and requests, also after a reset', async () => {
    const options = { seed: 42, latencyMs: 0, failRate: 0.4, rateLimitRate: 0.2, errorRate: 0.2, maxConcurrent: 100 };
    const a = await start(options);
    const b = await start(options);
    const first = await script(a);
    expect(await script(b)).toEqual(first);
    expect(first.some((s) => s.includes('429'))).toBe(true);
    expect(first.some((s) => s.includes('failed'))).toBe(true);
    a.reset();
    expect(await script(a)).toEqual(first);
    const other = await start({ ...options, seed: 43 });
    expect(await script(other)).not.toEqual(first);
  });
});

describe('stateless job ids', () => {
  it('a second instance answers polls and downloads for jobs the first created', async () => {
    const latency = 600;
    const first = await startEmulator({ latencyMs: latency });
    const began = Date.now();
    const hg = await heygen(first, '/v1/workflows/executions', { json: generateVideoBody({ aspect_ratio: '1:1' }) });
    const oa = await openai(first, '/videos', { json: { model: 'veo-3.1-fast-generate-001', prompt: 'x', size: '1080x1920', seconds: '8' } });
    const custom = await openai(first, '/videos', { json: { model: 'my-reseller/model-v9', prompt: 'x' } });
    await first.close();

    const second = await start();
    const midway = await openai(second, `/videos/${oa.body.id}`);
    expect(midway.status).toBe(200);
    if (stillWithin(began, latency)) expect(['queued', 'in_progress']).toContain(midway.body.status);

    const hgDone = await pollHeygen(second, hg.body.data.execution_id);
    expect(hgDone.status).toBe('completed');
    const hgVideo = Buffer.from(await (await fetch(hgDone.output.video.video_url)).arrayBuffer());
    expect(hgDone.output.video.video_url.startsWith(second.url)).toBe(true);
    expect(mp4Boxes(hgVideo)[0]?.type).toBe('ftyp');

    const oaDone = await pollOpenai(second, oa.body.id);
    expect(oaDone).toMatchObject({
      id: oa.body.id,
      status: 'completed',
      model: 'veo-3.1-fast-generate-001',
      size: '1080x1920',
      seconds: '8',
      created_at: oa.body.created_at,
      // The prompt lived in the first process only.
      prompt: null,
    });
    expect((await openai(second, `/videos/${custom.body.id}`)).body.model).toBe('my-reseller/model-v9');

    // The bytes do not depend on which instance serves them.
    const third = await start();
    const download = async (url: string) =>
      createHash('sha256')
        .update(Buffer.from(await (await fetch(url, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } })).arrayBuffer()))
        .digest('hex');
    expect(await download(`${second.url}/v1/videos/${oa.body.id}/content`)).toBe(await download(`${third.url}/v1/videos/${oa.body.id}/content`));
    // Neither instance created these jobs.
    expect(second.stats().jobs.created).toBe(0);
  });

  it('treats a tampered id as not found', async () => {
    const emu = await start({ latencyMs: 0 });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const id: string = body.id;
    const flipped = id.slice(0, -3) + (id.at(-3) === 'A' ? 'B' : 'A') + id.slice(-2);
    expect((await openai(emu, `/videos/${flipped}`)).status).toBe(404);
    expect((await heygen(emu, `/v1/workflows/executions/${id}`)).body.data.status).toBe('not_found');
  });
});

describe('videoBytes', () => {
  it('pads each video with a free box to the requested size, streamed, still a valid MP4', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const emu = await start({ latencyMs: 0, videoBytes: size });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x', size: '1280x720' } });
    const response = await fetch(`${emu.url}/v1/videos/${body.id}/content`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } });
    expect(Number(response.headers.get('content-length'))).toBe(size);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(size);
    const boxes = mp4Boxes(bytes);
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
    expect(boxes.at(-1)!.size).toBeGreaterThan(3 * 1024 * 1024 - 10_000);
  });

  const hasFfprobe = (() => {
    try {
      execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasFfprobe)('ffprobe reads a served file (free box and padding included) at the right dimensions', async () => {
    const emu = await start({ latencyMs: 0, videoBytes: 100_000 });
    const dir = await mkdtemp(path.join(tmpdir(), 'emulator-ffprobe-'));
    try {
      for (const [ratio, dims] of [
        ['9:16', '90x160'],
        ['21:9', '224x96'],
      ] as const) {
        const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody({ aspect_ratio: ratio }) });
        const done = await pollHeygen(emu, body.data.execution_id);
        const file = path.join(dir, `${ratio.replace(':', 'x')}.mp4`);
        await writeFile(file, Buffer.from(await (await fetch(done.output.video?.video_url ?? done.output.video_url)).arrayBuffer()));
        const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height,codec_name', '-of', 'csv=p=0', file]);
        expect(stdout.trim()).toBe(`h264,${dims.replace('x', ',')}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('close()', () => {
  it('ends promptly with idle keep-alive sockets and a download in progress', async () => {
    const emu = await startEmulator({ latencyMs: 0, videoBytes: 512 * 1024 * 1024 });
    await fetch(`${emu.url}/_emulator/stats`); // leaves an idle keep-alive socket in fetch's pool
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    // A slow reader of a huge download holds its connection open.
    const stalled = new Promise<void>((resolve) => {
      const req = request(`${emu.url}/v1/videos/${body.id}/content`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } }, (res) => {
        res.once('data', () => {
          res.pause();
          resolve();
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end();
    });
    await stalled;
    const began = Date.now();
    await emu.close();
    expect(Date.now() - began).toBeLessThan(1000);
  });
});
