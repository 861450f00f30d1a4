/** Every fault knob of the emulator, forced on with a seed, proving that it fires and does what it says. */
import { describe, expect, it } from 'vitest';
import { OPENAI_KEY, generateVideoBody, heygen, openai, pollHeygen, pollOpenai, rawGet, sleep, stillWithin, useEmulators } from './emulator-helpers.js';

const start = useEmulators();

describe('rateLimitRate', () => {
  it('answers 429 with Retry-After before doing any work, in each API’s envelope', async () => {
    const emu = await start({ rateLimitRate: 1, seed: 1 });
    const hg = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    expect(hg.status).toBe(429);
    expect(hg.headers.get('retry-after')).toBe('1');
    expect(hg.body).toEqual({ error: { code: 'rate_limit_exceeded', message: expect.any(String) } });

    const oa = await openai(emu, '/videos', { json: { prompt: 'x' } });
    expect(oa.status).toBe(429);
    expect(oa.headers.get('retry-after')).toBe('1');
    expect(oa.headers.get('retry-after-ms')).toBe('200');
    expect(oa.body.error).toEqual({ message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' });

    expect((await heygen(emu, '/v1/workflows/executions/x')).status).toBe(429);
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(0);
    expect(stats.faults.rateLimited).toBe(3);
    // Auth comes first: a bad key is a 401, not a 429.
    expect((await openai(emu, '/videos', { key: null, json: { prompt: 'x' } })).status).toBe(401);
  });

  it('fires at about the configured rate', async () => {
    const emu = await start({ rateLimitRate: 0.5, seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await heygen(emu, '/v1/workflows/executions/x')).status);
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(8);
    expect(limited).toBeLessThan(32);
    expect(statuses.filter((s) => s === 200).length).toBe(40 - limited);
  });
});

describe('errorRate', () => {
  it('answers GETs with a plain 500', async () => {
    const emu = await start({ errorRate: 1, seed: 2 });
    const hg = await heygen(emu, '/v1/workflows/executions/x');
    expect(hg.status).toBe(500);
    expect(hg.headers.get('retry-after')).toBeNull();
    expect(hg.body.error.code).toMatch(/\S/);
    const oa = await openai(emu, '/videos/video_x');
    expect(oa.status).toBe(500);
    expect(oa.body.error).toMatchObject({ type: 'server_error' });
    expect(emu.stats().faults.errors).toBe(2);
  });

  it('answers job-creating POSTs with 503 + Retry-After and creates nothing', async () => {
    const emu = await start({ errorRate: 1, seed: 2 });
    const hg = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    expect(hg.status).toBe(503);
    expect(hg.headers.get('retry-after')).toBe('1');
    expect(hg.body.error.code).toBe('service_unavailable');
    const oa = await openai(emu, '/videos', { json: { prompt: 'x' } });
    expect(oa.status).toBe(503);
    expect(oa.headers.get('retry-after')).toBe('1');
    expect(oa.body.error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(0);
    expect(stats.jobs.maxInFlight).toBe(0);
    expect(stats.requests['POST /v1/workflows/executions']).toBe(1);
    expect(stats.requests['POST /v1/videos']).toBe(1);
  });
});

describe('dropRate', () => {
  it('resets GET connections mid-response, after the headers and part of the body', async () => {
    const emu = await start({ dropRate: 1, seed: 3 });
    const poll = await rawGet(`${emu.url}/v1/workflows/executions/node-gw-unknown`, { 'X-Api-Key': 'k' }).catch((error: Error) => error);
    if (poll instanceof Error) {
      // The reset may overtake the bytes already sent: the request fails outright.
      expect(poll.message).toMatch(/ECONNRESET|socket hang up/);
    } else {
      expect(poll.status).toBe(200);
      expect(poll.outcome).toBe('cut');
      expect(poll.received).toBeLessThan(Number(poll.headers['content-length']));
    }
    await expect(fetch(`${emu.url}/v1/videos/video_x`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } }).then((r) => r.text())).rejects.toThrow();
    expect(emu.stats().faults.drops).toBe(2);
  });

  it('never drops a submission, whose reset would leave an unknowable billed job', async () => {
    const emu = await start({ dropRate: 1, seed: 3, latencyMs: 0 });
    for (let i = 0; i < 5; i++) {
      expect((await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() })).status).toBe(200);
      expect((await openai(emu, '/videos', { json: { prompt: 'x' } })).status).toBe(200);
    }
    expect(emu.stats().jobs.created).toBe(10);
    expect(emu.stats().faults.drops).toBe(0);
  });

  it('drops video downloads too', async () => {
    const emu = await start({ latencyMs: 0, seed: 4 });
    const { body } = await openai(emu, '/videos', { json: { prompt: 'x' } });
    const dropping = await start({ dropRate: 1, seed: 4 });
    // A second instance serves the first one's job (ids carry their state).
    await expect(
      fetch(`${dropping.url}/v1/videos/${body.id}/content`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } }).then((r) => r.arrayBuffer()),
    ).rejects.toThrow();
    expect(dropping.stats().faults.drops).toBe(1);
  });
});

describe('truncateRate', () => {
  it('cuts video downloads short under a full Content-Length, and leaves polls alone', async () => {
    const emu = await start({ latencyMs: 0, truncateRate: 1, seed: 5, videoBytes: 256 * 1024 });
    const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const done = await pollHeygen(emu, body.data.execution_id);
    const cut = await rawGet(done.output.video.video_url);
    expect(cut.status).toBe(200);
    expect(Number(cut.headers['content-length'])).toBe(256 * 1024);
    expect(cut.outcome).toBe('cut');
    expect(cut.received).toBeGreaterThan(0);
    expect(cut.received).toBeLessThan(256 * 1024);

    const video = await openai(emu, '/videos', { json: { prompt: 'x' } });
    await expect(
      fetch(`${emu.url}/v1/videos/${video.body.id}/content`, { headers: { Authorization: `Bearer ${OPENAI_KEY}` } }).then((r) => r.arrayBuffer()),
    ).rejects.toThrow();
    expect(emu.stats().faults.truncations).toBe(2);
  });
});

describe('maxConcurrent', () => {
  it('refuses a creation beyond the per-key limit with 429 and creates nothing', async () => {
    const emu = await start({ maxConcurrent: 2, latencyMs: 5000 });
    for (let i = 0; i < 2; i++) expect((await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() })).status).toBe(200);
    const third = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ error: { code: 'concurrent_limit', message: 'too many jobs in flight' } });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    expect(emu.stats().jobs.created).toBe(2);

    // Per key: another account still has room, on either API.
    expect((await heygen(emu, '/v1/workflows/executions', { key: 'another', json: generateVideoBody() })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await openai(emu, '/videos', { json: { prompt: 'x' } })).status).toBe(200);
    const oa = await openai(emu, '/videos', { json: { prompt: 'x' } });
    expect(oa.status).toBe(429);
    expect(oa.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(oa.body.error.code).toBe('concurrent_limit');
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(5);
    expect(stats.faults.concurrencyLimited).toBe(2);
    expect(stats.faults.rateLimited).toBe(0);
  });

  it('counts each API’s account separately, even under the same key', async () => {
    const emu = await start({ maxConcurrent: 1, latencyMs: 5000 });
    expect((await heygen(emu, '/v1/workflows/executions', { key: 'same', json: generateVideoBody() })).status).toBe(200);
    expect((await openai(emu, '/videos', { key: 'same', json: { prompt: 'x' } })).status).toBe(200);
    expect((await openai(emu, '/videos', { key: 'same', json: { prompt: 'x' } })).status).toBe(429);
  });

  it('frees the slot when a job ends', async () => {
    const latency = 400;
    const emu = await start({ maxConcurrent: 1, latencyMs: latency });
    const began = Date.now();
    expect((await openai(emu, '/videos', { json: { prompt: 'x' } })).status).toBe(200);
    const refused = await openai(emu, '/videos', { json: { prompt: 'x' } });
    if (stillWithin(began, latency)) expect(refused.status).toBe(429);
    await sleep(latency + 20);
    expect((await openai(emu, '/videos', { json: { prompt: 'x' } })).status).toBe(200);
  });
});

describe('failRate', () => {
  it('decides at creation and fails the job at its completion time', async () => {
    const emu = await start({ failRate: 0.5, seed: 11, latencyMs: 20, maxConcurrent: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await openai(emu, '/videos', { json: { prompt: `x${i}` } })).body.id);
    const statuses = await Promise.all(ids.map(async (id) => (await pollOpenai(emu, id)).status));
    const failed = statuses.filter((s) => s === 'failed').length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
    expect(emu.stats().jobs).toMatchObject({ created: 20, failed, completed: 20 - failed });
  });
});
