/** The HeyGen provider against the built-in emulator over loopback. */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import type { HttpClient } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import { createHeygenProvider } from '../src/providers/heygen/client.js';
import type { Provider } from '../src/providers/types.js';
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
} from './providers-helpers.js';

const KEY = 'heygen-test-key';
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };

const harness = useProviderHarness('heygen');
const { dest } = harness;

async function setup(
  options: EmulatorOptions = {},
  retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES,
  key = KEY,
): Promise<{ emu: RunningEmulator; http: HttpClient; provider: Provider }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 7, ...options }, retryPolicy);
  const provider = createHeygenProvider(providerConfig('heygen', emu.url), { http, apiKey: key });
  return { emu, http, provider };
}

describe('heygen provider: the happy paths', () => {
  it('text to video: submit, poll until completed, download a verified MP4', async () => {
    const { emu, provider } = await setup();
    const { jobId } = await provider.submit(shot('coastal', { provider: 'heygen', model: 'veo_3_1', aspect_ratio: '16:9' }), {
      signal,
    });
    expect(jobId).toMatch(/\S/);
    const seen: Awaited<ReturnType<Provider['poll']>>[] = [];
    const result = await pollUntilTerminal(provider, jobId, { seen });
    expect(result.state).toBe('completed');
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
    expect(result.job?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.job?.jobId).toBe(jobId);
    expect(result.remote?.video_id ?? result.remote?.asset_id).toBeTruthy();

    const file = dest('coastal');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(downloaded.path).toBe(file);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(downloaded.bytes).toBe((await stat(file)).size);

    const stats = emu.stats();
    expect(stats.requests['POST /v1/workflows/executions']).toBe(1);
    expect(stats.authOnVideoUrls).toBe(0);
  });

  it('sends the documented body: GenerateVideoNode, provider, aspect ratio, config from options', async () => {
    const { proxy, http } = await harness.startProxied({ latencyMs: 100, seed: 1 });
    const provider = createHeygenProvider(providerConfig('heygen', proxy.url), { http, apiKey: KEY });
    await provider.submit(
      shot('vertical', {
        provider: 'heygen',
        model: 'kling_pro',
        prompt: 'a café, slow pan',
        aspect_ratio: '9:16',
        options: { seed: 3 },
        reference_image: 'https://example.com/ref.png',
      }, { referenceImage: { kind: 'url', url: 'https://example.com/ref.png' } }),
      { signal },
    );
    const submit = proxy.records.find((r) => r.method === 'POST' && r.path === '/v1/workflows/executions');
    expect(submit?.headers['x-api-key']).toBe(KEY);
    expect(submit?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(submit!.body.toString('utf8'))).toEqual({
      workflow_type: 'GenerateVideoNode',
      input: {
        prompt: 'a café, slow pan',
        provider: 'kling_pro',
        aspect_ratio: '9:16',
        reference_image_url: 'https://example.com/ref.png',
        config: { seed: 3 },
      },
    });
    // A URL reference is passed through, never uploaded.
    expect(proxy.records.some((r) => r.path.startsWith('/v3/assets'))).toBe(false);
  });

  it('uploads a local image once for two shots sharing it, even when submitted concurrently', async () => {
    const { emu, proxy, http } = await harness.startProxied({ latencyMs: 100, seed: 2 });
    const provider = createHeygenProvider(providerConfig('heygen', proxy.url), { http, apiKey: KEY });

    const image = await writeImage(harness.dir, 'product.png');
    const tail = await writeImage(harness.dir, 'last.png', pngBytes(4, 4, [10, 20, 30]));
    const spec = { provider: 'heygen' as const, model: 'kling_pro' };
    const [a, b] = await Promise.all([
      provider.submit(shot('spin-a', spec, { referenceImage: image, tailImage: tail }), { signal }),
      provider.submit(shot('spin-b', spec, { referenceImage: image }), { signal }),
    ]);
    expect(emu.stats().requests['POST /v3/assets']).toBe(2); // product.png once, last.png once
    const uploads = proxy.records.filter((r) => r.path === '/v3/assets');
    expect(uploads.every((r) => r.headers['content-type']?.startsWith('multipart/form-data'))).toBe(true);
    const parts = await Promise.all(
      uploads.map((r) => new Response(r.body, { headers: { 'content-type': r.headers['content-type']! } }).formData()),
    );
    const files = parts.map((form) => form.get('file')).filter((f): f is File => f instanceof File);
    expect(files.map((f) => [f.name, f.type]).sort()).toEqual([
      ['last.png', 'image/png'],
      ['product.png', 'image/png'],
    ]);

    const inputs = proxy.records
      .filter((r) => r.path === '/v1/workflows/executions')
      .map((r) => (JSON.parse(r.body.toString('utf8')) as { input: Record<string, unknown> }).input);
    const urls = inputs.map((input) => input.reference_image_url);
    expect(urls[0]).toMatch(/^https?:\/\//);
    expect(urls[0]).toBe(urls[1]);
    expect(inputs.filter((input) => typeof input.tail_image_url === 'string')).toHaveLength(1);

    for (const { jobId } of [a, b]) {
      const result = await pollUntilTerminal(provider, jobId);
      expect(result.state).toBe('completed');
    }
  });

  it('does not let an aborted shot fail another shot waiting on the same upload', async () => {
    const { emu, provider } = await setup();
    const image = await writeImage(harness.dir, 'shared-abort.png', pngBytes(3, 3, [9, 9, 9]));
    const aborted = new AbortController();
    aborted.abort();
    const spec = { provider: 'heygen' as const, model: 'veo_3_1' };
    const [first, second] = await Promise.allSettled([
      provider.submit(shot('aborted', spec, { referenceImage: image }), { signal: aborted.signal }),
      provider.submit(shot('alive', spec, { referenceImage: image }), { signal }),
    ]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('fulfilled');
    expect(emu.stats().requests['POST /v3/assets']).toBe(1);
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('uploads again after a failed upload instead of caching the failure', async () => {
    const { emu, provider } = await setup({ apiKey: 'the-right-key' }, FAST_RETRIES, 'a-wrong-key');
    const image = await writeImage(harness.dir, 'retry.png', pngBytes(2, 2, [1, 2, 3]));
    const s = shot('img', { provider: 'heygen', model: 'veo_3_1' }, { referenceImage: image });
    await expect(provider.submit(s, { signal })).rejects.toMatchObject({ kind: 'auth' });
    await expect(provider.submit(s, { signal })).rejects.toMatchObject({ kind: 'auth' });
    expect(emu.stats().requests['POST /v3/assets']).toBe(2);
  });
});

describe('heygen provider: failures and faults', () => {
  it('reports failed jobs with the reason HeyGen gives, or a stated default', async () => {
    const { provider } = await setup({ failRate: 1 });
    const results = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const { jobId } = await provider.submit(shot(`f${i}`, { provider: 'heygen', model: 'veo_3_1' }), { signal });
        return pollUntilTerminal(provider, jobId);
      }),
    );
    for (const result of results) {
      expect(result.state).toBe('failed');
      expect(result.job).toBeUndefined();
    }
    const errors = results.map((r) => r.error);
    for (const error of errors) {
      expect(error?.code).toMatch(/\S/);
      expect(error?.message).toMatch(/\S/);
    }
    // The emulator alternates failures with and without a reason, as HeyGen's happen.
    const messages = new Set(errors.map((e) => e?.message));
    expect(messages).toContain('HeyGen reported failure without a reason');
    expect(messages.size).toBeGreaterThan(1);
  });

  it('says not_found for an id HeyGen does not know', async () => {
    const { provider } = await setup();
    await expect(provider.poll('node-gw-doesnotexist', { signal })).resolves.toEqual({ state: 'not_found' });
  });

  it('surfaces a wrong key as an auth HttpError, without retrying it', async () => {
    const { emu, provider } = await setup({ apiKey: 'the-right-key' }, FAST_RETRIES, 'a-wrong-key');
    const error = await provider.submit(shot('x', { provider: 'heygen', model: 'veo_3_1' }), { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect((error as Error).message).toContain('submit x');
    expect(emu.stats().requests['POST /v1/workflows/executions']).toBe(1);
    await expect(provider.poll('node-gw-x', { signal })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('rides out rate limits and server errors without creating duplicate jobs', async () => {
    // HeyGen's Retry-After is whole seconds (the emulator says 1), so stop at the first
    // submit that needed a retry rather than running a fixed, slow batch.
    const { emu, provider } = await setup({ rateLimitRate: 0.2, errorRate: 0.2, seed: 3, latencyMs: 50 }, { ...FAST_RETRIES, maxAttempts: 12 });
    const jobIds: string[] = [];
    const posts = (): number => emu.stats().requests['POST /v1/workflows/executions'] ?? 0;
    while (jobIds.length < 10 && posts() === jobIds.length) {
      jobIds.push((await provider.submit(shot(`r${jobIds.length}`, { provider: 'heygen', model: 'veo_3_1' }), { signal })).jobId);
    }
    expect(posts()).toBeGreaterThan(jobIds.length); // some submit was refused (429 or 503 + Retry-After) and retried
    for (const jobId of jobIds) expect((await pollUntilTerminal(provider, jobId, { intervalMs: 100 })).state).toBe('completed');
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(jobIds.length);
    expect(new Set(jobIds).size).toBe(jobIds.length);
  });

  it('recovers polls and downloads from dropped connections and truncated bodies', async () => {
    const { emu, provider } = await setup({ dropRate: 0.3, truncateRate: 0.3, seed: 5 }, { ...FAST_RETRIES, maxAttempts: 12 });
    for (let i = 0; i < 3; i += 1) {
      const { jobId } = await provider.submit(shot(`d${i}`, { provider: 'heygen', model: 'veo_3_1' }), { signal });
      const result = await pollUntilTerminal(provider, jobId);
      expect(result.state).toBe('completed');
      const file = dest(`d${i}`);
      const downloaded = await provider.download(result.job!, file, dl);
      expect(await startsWithFtyp(file)).toBe(true);
      expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    }
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(3);
    expect(stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
  });

  it('waits out a full account (429 + Retry-After) and then submits once', async () => {
    const { emu, provider } = await setup({ maxConcurrent: 1, latencyMs: 300 }, FAST_RETRIES);
    await provider.submit(shot('first', { provider: 'heygen', model: 'veo_3_1' }), { signal });
    const second = await provider.submit(shot('second', { provider: 'heygen', model: 'veo_3_1' }), { signal });
    expect(second.jobId).toMatch(/\S/);
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(2);
    expect(stats.faults.concurrencyLimited).toBeGreaterThan(0);
  });

  it('surfaces too many jobs in flight as rate_limit once retries run out', async () => {
    const { emu, provider } = await setup({ maxConcurrent: 1, latencyMs: 5_000 }, { ...FAST_RETRIES, maxAttempts: 2, maxRetryAfterMs: 500 });
    await provider.submit(shot('first', { provider: 'heygen', model: 'veo_3_1' }), { signal });
    const error = await provider.submit(shot('second', { provider: 'heygen', model: 'veo_3_1' }), { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429 });
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('gets a fresh URL by polling again after the temporary one expired', async () => {
    // Half a second of life: long enough that a busy machine still downloads a fresh URL in time.
    const { emu, provider } = await setup({ urlTtlMs: 500 });
    const { jobId } = await provider.submit(shot('ttl', { provider: 'heygen', model: 'veo_3_1' }), { signal });
    const first = await pollUntilTerminal(provider, jobId);
    await new Promise((resolve) => setTimeout(resolve, 650));
    const file = dest('ttl');
    await expect(provider.download(first.job!, file, dl)).rejects.toBeInstanceOf(HttpError);
    const again = await provider.poll(jobId, { signal });
    expect(again.state).toBe('completed');
    expect(again.job?.url).not.toBe(first.job?.url);
    const downloaded = await provider.download(again.job!, file, dl);
    expect(await startsWithFtyp(downloaded.path)).toBe(true);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it('stops when the signal aborts', async () => {
    const { provider } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider.submit(shot('abort', { provider: 'heygen', model: 'veo_3_1' }), { signal: controller.signal }),
    ).rejects.toBeInstanceOf(Error);
  });
});
