/** The runway provider against the built-in emulator over loopback: every status, THROTTLED, expiring URLs. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { HttpError } from '../src/http/errors.js';
import type { ProviderConfig, Shot } from '../src/manifest/types.js';
import { createRunwayProvider } from '../src/providers/runway/client.js';
import { runwayModule } from '../src/providers/runway/index.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { moduleShot, type ShotImages } from './helpers/module-shot.js';
import { FAST_RETRIES, pngBytes, pollUntilTerminal, providerConfig, sha256Hex, startsWithFtyp, useProviderHarness, writeImage } from './providers-helpers.js';

const KEY = 'key_runway_test_0123456789abcdef';
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };

const harness = useProviderHarness('runway');

function config(baseUrl: string, settings: Record<string, unknown> = {}): ProviderConfig {
  return providerConfig('runway', baseUrl, { name: 'rw', apiKeyEnv: 'RUNWAYML_API_SECRET', settings });
}

async function setup(options: EmulatorOptions = {}, retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES) {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 8, ...options }, retryPolicy);
  const cfg = config(emu.url);
  const provider = createRunwayProvider(cfg, { http, apiKey: KEY });
  const make = (id: string, request: Parameters<typeof moduleShot>[3] = {}, images: ShotImages = {}): Shot => moduleShot(runwayModule, cfg, id, request, images);
  return { emu, provider, make };
}

async function generate(provider: Provider, shot: Shot, seen?: PollResult[]): Promise<PollResult> {
  const { jobId } = await provider.submit(shot, { signal });
  return pollUntilTerminal(provider, jobId, { intervalMs: 20, ...(seen ? { seen } : {}) });
}

async function task(emu: RunningEmulator, id: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${emu.url}/v1/tasks/${id}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'x-runway-version': '2024-11-06', ...init.headers } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('runway: tasks from start to download', () => {
  it('text to video: PENDING, RUNNING with progress, SUCCEEDED; the output is fetched without the key', async () => {
    const { emu, provider, make } = await setup({ latencyMs: 500 });
    const seen: PollResult[] = [];
    const result = await generate(provider, make('dunes', { model: 'veo3.1_fast', aspect_ratio: '16:9', resolution: '1080p', audio: false }), seen);
    expect(result.state).toBe('completed');
    const running = seen.filter((r) => r.state === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((r) => r.progress === undefined || (Number.isInteger(r.progress) && r.progress >= 0 && r.progress <= 100))).toBe(true);
    expect(running.some((r) => (r.progress ?? 0) > 1)).toBe(true);

    const file = harness.dest('dunes');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    const stats = emu.stats();
    expect(stats.requests['POST /v1/text_to_video']).toBe(1);
    expect(stats.authOnVideoUrls).toBe(0);
  });

  it('image to video with a local image (a data URI), and first and last frames on Veo 3.1', async () => {
    const { emu, provider, make } = await setup();
    const first = await writeImage(harness.dir, 'first.png', pngBytes(8, 8));
    const last = await writeImage(harness.dir, 'last.png', pngBytes(8, 8, [10, 200, 30]));
    const cat = await generate(provider, make('cat', { aspect_ratio: '4:3', duration: 5 }, { referenceImage: first }));
    const framed = await generate(provider, make('framed', { model: 'veo3.1', duration: 6 }, { referenceImage: first, tailImage: last }));
    const url = await generate(provider, make('url', { model: 'gen4_turbo' }, { referenceImage: { kind: 'url', url: 'https://example.com/cat.jpg' } }));
    expect([cat.state, framed.state, url.state]).toEqual(['completed', 'completed', 'completed']);
    expect(emu.stats().requests['POST /v1/image_to_video']).toBe(3);
  });

  it('THROTTLED beyond the account\'s concurrency is queued, not refused, and every task completes', async () => {
    const { emu, provider, make } = await setup({ maxConcurrent: 1, latencyMs: 400 });
    const a = await provider.submit(make('a'), { signal });
    const b = await provider.submit(make('b'), { signal });
    expect((await task(emu, b.jobId)).body.status).toBe('THROTTLED');
    expect(await provider.poll(b.jobId, { signal })).toEqual({ state: 'queued' });
    const walk: string[] = [];
    for (;;) {
      const { body } = await task(emu, b.jobId);
      walk.push(body.status);
      if (body.status === 'SUCCEEDED') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(walk.indexOf('RUNNING')).toBeGreaterThan(walk.lastIndexOf('THROTTLED'));
    // b started only once a was done.
    expect((await task(emu, a.jobId)).body.status).toBe('SUCCEEDED');
    expect(emu.stats().jobs.created).toBe(2);
    expect(emu.stats().faults.concurrencyLimited).toBe(0);
  });

  it('an expired output URL is refused (403); polling the task again signs a fresh one', async () => {
    const { provider, make } = await setup({ latencyMs: 50, urlTtlMs: 300 });
    const result = await generate(provider, make('expiring'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const error = await provider.download(result.job!, harness.dest('expired'), dl).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 403 });
    const fresh = await provider.poll(result.job!.jobId, { signal });
    expect(fresh.state).toBe('completed');
    expect(fresh.job!.url).not.toBe(result.job!.url);
    const file = harness.dest('fresh');
    await provider.download(fresh.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
  });

  it('sends X-Runway-Version on every request, the entry\'s own when it sets one', async () => {
    const { proxy, http } = await harness.startProxied({ latencyMs: 80, seed: 3 });
    const cfg = config(proxy.url, { runway_version: '2024-11-06' });
    const provider = createRunwayProvider(cfg, { http, apiKey: KEY });
    await generate(provider, moduleShot(runwayModule, cfg, 'versioned', {}));
    expect(proxy.records.length).toBeGreaterThan(1);
    expect(proxy.records.every((r) => r.headers['x-runway-version'] === '2024-11-06' && r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    const other = createRunwayProvider(config(proxy.url, { runway_version: '2030-01-01' }), { http, apiKey: KEY });
    const refused = await other.submit(moduleShot(runwayModule, cfg, 'future', {}), { signal }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as Error).message).toContain('Unsupported API version');
  });
});

describe('runway: how tasks end badly', () => {
  it('FAILED with an internal code is worth another try; every third such failure ends CANCELLED', async () => {
    const { provider, make } = await setup({ failRate: 1 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await generate(provider, make(`bad-${i}`)));
    expect(results.map((r) => [r.state, r.error?.code, r.error?.class])).toEqual([
      ['failed', 'INTERNAL.BAD_OUTPUT.CODE01', 'failed'],
      ['failed', 'INTERNAL.BAD_OUTPUT.CODE01', 'failed'],
      ['failed', 'task_cancelled', 'failed'],
    ]);
  });

  it('SAFETY failure codes are moderation', async () => {
    const { provider, make } = await setup({ moderationRate: 1 });
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => generate(provider, make(`unsafe-${i}`))));
    for (const result of results) {
      expect(result.state).toBe('failed');
      expect(result.error?.code).toMatch(/^SAFETY\.(INPUT|OUTPUT)\./);
      expect(result.error?.class).toBe('moderation');
    }
  });

  it('a task cancelled with DELETE reads CANCELLED; a deleted finished one is not_found', async () => {
    const { emu, provider, make } = await setup({ latencyMs: 300 });
    const running = await provider.submit(make('stop'), { signal });
    expect((await task(emu, running.jobId, { method: 'DELETE' })).status).toBe(204);
    expect(await provider.poll(running.jobId, { signal })).toMatchObject({ state: 'failed', error: { code: 'task_cancelled' } });
    const done = await generate(provider, make('done'));
    expect((await task(emu, done.job!.jobId, { method: 'DELETE' })).status).toBe(204);
    expect(await provider.poll(done.job!.jobId, { signal })).toEqual({ state: 'not_found' });
  });
});

describe('runway: refusals and their classes', () => {
  it('out of credit is quota; a bad request is invalid; a wrong key is an auth error', async () => {
    const { emu, provider, make } = await setup({ creditLimit: 1 });
    await provider.submit(make('paid'), { signal });
    const broke = await provider.submit(make('broke'), { signal }).catch((e: unknown) => e);
    expect(broke).toMatchObject({ status: 400 });
    expect(provider.classify!(broke)).toBe('quota');
    expect(emu.stats().jobs.created).toBe(1);

    const { provider: other, make: makeOther } = await setup({ apiKey: 'the-right-key' });
    const refused = await other.submit(makeOther('wrong-key'), { signal }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'auth', status: 401 });
    expect(other.classify!(refused)).toBe('invalid');

    const { provider: third, make: makeThird } = await setup();
    const invalid = makeThird('bad-ratio');
    invalid.spec.ratio = '1:1'; // what validation would have refused
    const error = await third.submit(invalid, { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('ratio');
    expect(third.classify!(error)).toBe('invalid');
  });

  it('has no way to list tasks, so no findSubmitted', async () => {
    const { provider } = await setup();
    expect(provider.findSubmitted).toBeUndefined();
  });

  it('rides out 429s and 503s on submit without creating a task twice', async () => {
    const { emu, provider, make } = await setup({ rateLimitRate: 0.2, errorRate: 0.2, seed: 13 }, { ...FAST_RETRIES, maxAttempts: 12 });
    for (let i = 0; i < 3; i++) expect((await generate(provider, make(`r${i}`))).state).toBe('completed');
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(3);
    expect(stats.faults.rateLimited + stats.faults.errors).toBeGreaterThan(0);
  });
});
