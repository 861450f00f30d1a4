/** The HeyGen v3 provider against the built-in emulator over loopback (and a scripted server for answers the emulator never gives). */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import type { ProviderConfig, Spec } from '../src/manifest/types.js';
import { classifyHeygenV3Error, createHeygenV3Provider } from '../src/providers/heygen-v3/client.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { listenOnLoopback } from './helpers/loopback.js';
import {
  FAST_RETRIES,
  pngBytes,
  pollUntilTerminal,
  providerConfig,
  sha256Hex,
  shot,
  startsWithFtyp,
  useProviderHarness,
  writeImage,
  type RecordedRequest,
} from './providers-helpers.js';

const KEY = 'heygen-v3-test-key';
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };
const PATH = '/v3/models/videos';

const harness = useProviderHarness('heygen-v3');

function v3Config(baseUrl: string): ProviderConfig {
  return providerConfig('heygen-v3', baseUrl, { name: 'hg3', apiKeyEnv: 'HEYGEN_API_KEY' });
}

function clip(id: string, spec: Partial<Spec> = {}, images: Parameters<typeof shot>[2] = {}) {
  return shot(id, { provider: 'heygen-v3', model: 'heygen-video-1', duration: 5, resolution: '768p', aspect_ratio: '16:9', ...spec }, images);
}

async function setup(
  options: EmulatorOptions = {},
  retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES,
  key = KEY,
): Promise<{ emu: RunningEmulator; provider: Provider }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 7, ...options }, retryPolicy);
  return { emu, provider: createHeygenV3Provider(v3Config(emu.url), { http, apiKey: key }) };
}

async function setupProxied(options: EmulatorOptions = {}) {
  const { emu, proxy, http } = await harness.startProxied({ latencyMs: 100, seed: 1, ...options });
  const provider = createHeygenV3Provider(v3Config(proxy.url), { http, apiKey: KEY });
  const posts = (): RecordedRequest[] => proxy.records.filter((r) => r.method === 'POST' && r.path === PATH);
  const bodies = (): Record<string, unknown>[] => posts().map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>);
  return { emu, proxy, provider, posts, bodies };
}

/** A loopback server answering every request with the same scripted JSON. */
async function scripted(status: number, body: unknown): Promise<Provider> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  const listener = await listenOnLoopback(server);
  const http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
  harness.defer(() => listener.close(), () => http.close());
  return createHeygenV3Provider(v3Config(listener.url), { http, apiKey: KEY });
}

describe('heygen-v3 provider: the happy paths', () => {
  it('text to video: submit with the key, poll until completed, download a verified MP4 without the key', async () => {
    const { emu, provider } = await setup();
    const { jobId } = await provider.submit(clip('coastal'), { signal, idempotencyKey: 'vg-coastal-1' });
    expect(jobId).toMatch(/^hv3_/);
    const seen: PollResult[] = [];
    const result = await pollUntilTerminal(provider, jobId, { seen });
    expect(result).toMatchObject({ state: 'completed', job: { jobId, url: expect.stringContaining('/_emulator/videos/heygen-v3/') } });
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
    const file = harness.dest('coastal');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(emu.stats()).toMatchObject({ jobs: { created: 1 }, authOnVideoUrls: 0 });
  });

  it('sends the documented body, the key in X-Api-Key and the Idempotency-Key it was given', async () => {
    const { provider, posts, bodies } = await setupProxied();
    const options = { prompt_enhancement: 'disabled', callback_id: 'c-9' };
    await provider.submit(clip('vertical', { prompt: 'a café, slow pan', aspect_ratio: '9:16', resolution: '1080p', duration: 12, seed: 3, options }), {
      signal,
      idempotencyKey: 'vg-vertical:2',
    });
    const [sent] = posts();
    expect(sent?.headers['x-api-key']).toBe(KEY);
    expect(sent?.headers['idempotency-key']).toBe('vg-vertical:2');
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    expect(bodies()[0]).toEqual({
      model: 'heygen-video-1',
      mode: 'text_to_video',
      prompt: 'a café, slow pan',
      duration: 12,
      resolution: '1080p',
      aspect_ratio: '9:16',
      seed: 3,
      prompt_enhancement: 'disabled',
      callback_id: 'c-9',
    });
  });

  it('without a key sends none, and every submission is a new job', async () => {
    const { emu, provider, posts } = await setupProxied();
    const a = await provider.submit(clip('no-key'), { signal });
    const b = await provider.submit(clip('no-key'), { signal });
    expect(a.jobId).not.toBe(b.jobId);
    expect(posts().every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
    expect(emu.stats().jobs.created).toBe(2);
  });

  it('uploads a local image once for shots sharing it and sends it as an asset id; URLs go as they are', async () => {
    const { emu, proxy, provider, bodies } = await setupProxied();
    const image = await writeImage(harness.dir, 'product.png', pngBytes(8, 4));
    const i2v = { aspect_ratio: undefined, reference_image: `sha256:${sha256Hex(pngBytes(8, 4))}` };
    const [a, b] = await Promise.all([
      provider.submit(clip('spin-a', i2v, { referenceImage: image }), { signal, idempotencyKey: 'spin-a-1' }),
      provider.submit(clip('spin-b', i2v, { referenceImage: image }), { signal, idempotencyKey: 'spin-b-1' }),
    ]);
    const url = { kind: 'url' as const, url: 'https://example.com/ref.png' };
    await provider.submit(clip('by-url', { aspect_ratio: undefined, reference_image: url.url }, { referenceImage: url }), { signal });
    expect(emu.stats().requests['POST /v3/assets']).toBe(1);
    const uploads = proxy.records.filter((r) => r.path === '/v3/assets');
    const form = await new Response(uploads[0]!.body, { headers: { 'content-type': uploads[0]!.headers['content-type']! } }).formData();
    expect((form.get('file') as File).name).toBe('product.png');
    const [first, second, third] = bodies();
    expect(first).toMatchObject({ mode: 'image_to_video', image: { type: 'asset_id', asset_id: expect.any(String) } });
    expect(second?.image).toEqual(first?.image);
    expect(first).not.toHaveProperty('aspect_ratio');
    expect(third).toMatchObject({ mode: 'image_to_video', image: { type: 'url', url: 'https://example.com/ref.png' } });
    const done = await pollUntilTerminal(provider, a.jobId);
    expect(done.state).toBe('completed');
    expect((await pollUntilTerminal(provider, b.jobId)).state).toBe('completed');
  });
});

describe('heygen-v3 provider: Idempotency-Key', () => {
  it('replays the same key to the same video id, creating one job', async () => {
    const { emu, provider } = await setup();
    const first = await provider.submit(clip('replay'), { signal, idempotencyKey: 'vg-replay-1' });
    const again = await provider.submit(clip('replay'), { signal, idempotencyKey: 'vg-replay-1' });
    expect(again.jobId).toBe(first.jobId);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('asks again with the same key after a lost answer, waits out 409 request_in_progress, and gets the one job', async () => {
    // The emulator takes 2.5 s to answer; the client gives up on headers after 200 ms (undici's
    // timers fire within a second of that) and asks again while the first is still in progress.
    const { emu, proxy } = await harness.startProxied({ latencyMs: 100, createDelayMs: 2_500 });
    const impatient = new HttpClient({ headersTimeoutMs: 200, retryPolicy: { maxAttempts: 10, baseDelayMs: 200, capDelayMs: 800, maxRetryAfterMs: 5_000 } });
    harness.defer(() => impatient.close());
    const provider = createHeygenV3Provider(v3Config(proxy.url), { http: impatient, apiKey: KEY });
    const { jobId } = await provider.submit(clip('slow'), { signal, idempotencyKey: 'vg-slow-1' });

    expect(emu.stats().jobs.created).toBe(1);
    const posts = proxy.records.filter((r) => r.method === 'POST' && r.path === PATH);
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(posts.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['vg-slow-1']));
    expect((await pollUntilTerminal(provider, jobId)).state).toBe('completed');
  });

  it('refuses a key the API would refuse, before sending anything', async () => {
    const { emu, provider } = await setup();
    await expect(provider.submit(clip('bad-key'), { signal, idempotencyKey: 'has space' })).rejects.toMatchObject({ code: 'VIDEOGEN_INTERNAL' });
    expect(emu.stats().requests[`POST ${PATH}`]).toBeUndefined();
  });
});

describe('heygen-v3 provider: every status', () => {
  it('maps failed and cancelled to failures of class failed, and moderation refusals to class moderation', async () => {
    const failing = await setup({ failRate: 1 });
    const results = await Promise.all(
      [0, 1, 2].map(async (i) => pollUntilTerminal(failing.provider, (await failing.provider.submit(clip(`f${i}`), { signal })).jobId)),
    );
    expect(results.map((r) => [r.state, r.error?.code, r.error?.class])).toEqual([
      ['failed', 'generation_failed', 'failed'],
      ['failed', 'generation_failed', 'failed'],
      ['failed', 'generation_cancelled', 'failed'],
    ]);
    const moderated = await setup({ moderationRate: 1 });
    const refused = await pollUntilTerminal(moderated.provider, (await moderated.provider.submit(clip('m'), { signal })).jobId);
    expect(refused).toMatchObject({ state: 'failed', error: { code: 'generation_failed', class: 'moderation', message: expect.stringMatching(/moderation/) } });
  });

  it.each([
    ['pending', { status: 'pending' }, { state: 'queued' }],
    ['processing', { status: 'processing' }, { state: 'running' }],
    ['a status the reference does not name', { status: 'waiting' }, { state: 'running' }],
    ['completed without a URL (asks again rather than pay twice)', { status: 'completed' }, { state: 'running', progress: 100 }],
    ['failed without a reason', { status: 'failed' }, { state: 'failed', error: { code: 'generation_failed', class: 'failed' } }],
    ['cancelled without a reason', { status: 'cancelled', failure_code: null }, { state: 'failed', error: { code: 'generation_cancelled', class: 'failed' } }],
  ])('reads %s', async (_name, data, expected) => {
    const provider = await scripted(200, { data: { video_id: 'v1', ...data } });
    expect(await provider.poll('v1', { signal })).toMatchObject(expected);
  });

  it('says not_found for an id HeyGen does not know (404)', async () => {
    const { provider } = await setup();
    await expect(provider.poll('hv3_doesnotexist', { signal })).resolves.toEqual({ state: 'not_found' });
  });

  it('gets a fresh URL by polling again after the signed one expired', async () => {
    const { emu, provider } = await setup({ urlTtlMs: 50 });
    const { jobId } = await provider.submit(clip('ttl'), { signal });
    const first = await pollUntilTerminal(provider, jobId);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const file = harness.dest('ttl');
    await expect(provider.download(first.job!, file, dl)).rejects.toMatchObject({ status: 403 });
    const again = await provider.poll(jobId, { signal });
    expect(again.job?.url).not.toBe(first.job?.url);
    expect(await startsWithFtyp((await provider.download(again.job!, file, dl)).path)).toBe(true);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });
});

describe('heygen-v3 provider: errors and their classes', () => {
  it('classifies 402 insufficient_credit as quota', async () => {
    const provider = await scripted(402, { error: { code: 'insufficient_credit', message: 'Insufficient credit.' } });
    const error = await provider.submit(clip('broke'), { signal, idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'credit', status: 402 });
    expect(provider.classify?.(error)).toBe('quota');
  });

  it('classifies a refused request as invalid, and one refused on content grounds as moderation', async () => {
    const { emu, provider } = await setup();
    // A spec no manifest would pass (validation refuses it first): the emulator's own check answers 400.
    const error = await provider.submit(clip('bad', { duration: 99 }), { signal, idempotencyKey: 'k-2' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'client', status: 400 });
    expect(provider.classify?.(error)).toBe('invalid');
    expect(emu.stats().jobs.created).toBe(0);
    const policy = await scripted(400, { error: { code: 'content_policy_violation', message: 'The prompt violates our content policy.' } });
    expect(policy.classify?.(await policy.submit(clip('x'), { signal }).catch((e: unknown) => e))).toBe('moderation');
  });

  it('classifies 409 request_in_progress, 429 and 5xx as transient, a wrong key as invalid', async () => {
    const inProgress = await scripted(409, { error: { code: 'request_in_progress', message: 'still processing' } });
    expect(classifyHeygenV3Error(await inProgress.submit(clip('a'), { signal, idempotencyKey: 'k-3' }).catch((e: unknown) => e))).toBe('transient');
    const busy = await scripted(429, { error: { code: 'rate_limit_exceeded', message: 'slow down' } });
    expect(classifyHeygenV3Error(await busy.poll('v', { signal }).catch((e: unknown) => e))).toBe('transient');
    const down = await scripted(500, { error: { code: 'internal_error', message: 'oops' } });
    expect(classifyHeygenV3Error(await down.poll('v', { signal }).catch((e: unknown) => e))).toBe('transient');
    const { emu, provider } = await setup({ apiKey: 'the-right-key' }, FAST_RETRIES, 'a-wrong-key');
    const error = await provider.submit(clip('x'), { signal, idempotencyKey: 'k-4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(classifyHeygenV3Error(error)).toBe('invalid');
    expect(emu.stats().requests[`POST ${PATH}`]).toBe(1);
  });

  it('rides out rate limits and server errors with the same key, creating one job per shot', async () => {
    const { emu, provider } = await setup({ rateLimitRate: 0.2, errorRate: 0.2, seed: 3, latencyMs: 50 }, { ...FAST_RETRIES, maxAttempts: 12 });
    const jobIds: string[] = [];
    const posts = (): number => emu.stats().requests[`POST ${PATH}`] ?? 0;
    while (jobIds.length < 10 && posts() === jobIds.length) {
      jobIds.push((await provider.submit(clip(`r${jobIds.length}`), { signal, idempotencyKey: `vg-r${jobIds.length}-1` })).jobId);
    }
    expect(posts()).toBeGreaterThan(jobIds.length);
    expect(emu.stats().jobs.created).toBe(jobIds.length);
    expect(new Set(jobIds).size).toBe(jobIds.length);
  });
});
