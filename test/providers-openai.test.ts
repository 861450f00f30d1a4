/** The OpenAI-compatible provider against the built-in emulator over loopback. */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { HttpError } from '../src/http/errors.js';
import type { ProviderConfig, } from '../src/manifest/types.js';
import type { ReferenceFormat } from '../src/providers/openai-videos/index.js';
import { createOpenAiVideosProvider } from '../src/providers/openai-videos/client.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import {
  FAST_RETRIES,
  pollUntilTerminal,
  providerConfig,
  sha256Hex,
  shot,
  startsWithFtyp,
  useProviderHarness,
  writeImage,
} from './providers-helpers.js';

const KEY = 'openai-test-key';
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };

const harness = useProviderHarness('openai');
const { dest } = harness;

async function setup(
  options: EmulatorOptions = {},
  config: Parameters<typeof providerConfig>[2] = {},
  retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES,
  key = KEY,
): Promise<{ emu: RunningEmulator; provider: Provider }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 3, ...options }, retryPolicy);
  const provider = createOpenAiVideosProvider(providerConfig('openai-videos', `${emu.url}/v1`, config), { http, apiKey: key });
  return { emu, provider };
}

const sora = { provider: 'openai-videos' as const, model: 'sora-2' };

async function generate(provider: Provider, id: string, extra: Parameters<typeof shot>[2] = {}): Promise<PollResult> {
  const { jobId } = await provider.submit(shot(id, { ...sora, aspect_ratio: '16:9', duration: 4 }, extra), { signal });
  return pollUntilTerminal(provider, jobId);
}

describe('openai-videos provider: the happy paths', () => {
  it('text to video: submit, poll until completed, download a verified MP4', async () => {
    const { emu, provider } = await setup();
    const { jobId } = await provider.submit(shot('city', { ...sora, aspect_ratio: '9:16', duration: 8 }), { signal });
    const seen: PollResult[] = [];
    const result = await pollUntilTerminal(provider, jobId, { seen });
    expect(result.state).toBe('completed');
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
    expect(result.job?.url).toBe(`${emu.url}/v1/videos/${jobId}/content?variant=video`);

    const file = dest('city');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(downloaded.bytes).toBe((await stat(file)).size);
    expect(emu.stats().requests['POST /v1/videos']).toBe(1);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it.each<ReferenceFormat>(['multipart', 'object', 'string'])(
    'image to video with a local file in the %s dialect',
    async (referenceFormat) => {
      const { provider } = await setup({}, { referenceFormat });
      const image = await writeImage(harness.dir, `ref-${referenceFormat}.png`);
      const result = await generate(provider, `img-${referenceFormat}`, { referenceImage: image });
      expect(result.state).toBe('completed');
      const file = dest(referenceFormat);
      await provider.download(result.job!, file, dl);
      expect(await startsWithFtyp(file)).toBe(true);
    },
  );

  it.each<ReferenceFormat>(['multipart', 'object', 'string'])('image to video with a URL in the %s dialect', async (referenceFormat) => {
    const { provider } = await setup({}, { referenceFormat });
    const result = await generate(provider, `url-${referenceFormat}`, {
      referenceImage: { kind: 'url', url: 'https://example.com/reference.jpg' },
    });
    expect(result.state).toBe('completed');
  });

  it('surfaces openai-poll-after-ms from poll answers', async () => {
    const { provider } = await setup({ latencyMs: 400 });
    const { jobId } = await provider.submit(shot('after', sora), { signal });
    const seen: PollResult[] = [];
    await pollUntilTerminal(provider, jobId, { seen });
    const hints = seen.map((r) => r.pollAfterMs).filter((ms): ms is number => ms !== undefined);
    expect(hints.length).toBeGreaterThan(0);
    expect(hints.every((ms) => Number.isInteger(ms) && ms > 0)).toBe(true);
  });

  it('sends the key to its own content URL and never elsewhere', async () => {
    const { emu, proxy, http } = await harness.startProxied({ latencyMs: 100, seed: 4 });
    const provider = createOpenAiVideosProvider(providerConfig('openai-videos', `${proxy.url}/v1`), { http, apiKey: KEY });
    const result = await generate(provider, 'auth');
    await provider.download(result.job!, dest('auth'), dl);
    const content = proxy.records.find((r) => r.path.includes('/content'));
    expect(content?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(proxy.records.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    // A job URL on another origin (not one this provider built) gets no key, so the
    // emulator, which wants one there, refuses it.
    const elsewhere = { jobId: 'x', url: `${emu.url}/v1/videos/${result.job!.jobId}/content?variant=video` };
    await expect(provider.download(elsewhere, dest('elsewhere'), dl)).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('openai-videos provider: failures and faults', () => {
  it('reports failed jobs with a code and message', async () => {
    const { provider } = await setup({ failRate: 1 });
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => generate(provider, `f${i}`)));
    for (const result of results) {
      expect(result.state).toBe('failed');
      expect(result.error?.code).toMatch(/\S/);
      expect(result.error?.message).toMatch(/\S/);
    }
  });

  it('says not_found for an unknown video id', async () => {
    const { provider } = await setup();
    await expect(provider.poll('video_doesnotexist', { signal })).resolves.toEqual({ state: 'not_found' });
  });

  it('surfaces a wrong key as an auth HttpError', async () => {
    const { emu, provider } = await setup({ apiKey: 'the-right-key' }, {}, FAST_RETRIES, 'a-wrong-key');
    const error = await provider.submit(shot('x', sora), { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(emu.stats().requests['POST /v1/videos']).toBe(1);
    await expect(provider.poll('video_x', { signal })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('rides out rate limits and 503s on submit without creating duplicate jobs', async () => {
    const { emu, provider } = await setup({ rateLimitRate: 0.3, errorRate: 0.3, seed: 12 }, {}, { ...FAST_RETRIES, maxAttempts: 12 });
    const jobIds: string[] = [];
    for (let i = 0; i < 4; i += 1) jobIds.push((await provider.submit(shot(`r${i}`, sora), { signal })).jobId);
    for (const jobId of jobIds) expect((await pollUntilTerminal(provider, jobId)).state).toBe('completed');
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(4);
    expect(stats.requests['POST /v1/videos']).toBeGreaterThan(4);
  });

  it('recovers polls and downloads from dropped connections and truncated bodies', async () => {
    const { emu, provider } = await setup({ dropRate: 0.3, truncateRate: 0.3, seed: 6 }, {}, { ...FAST_RETRIES, maxAttempts: 12 });
    for (let i = 0; i < 3; i += 1) {
      const result = await generate(provider, `d${i}`);
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
    const { emu, provider } = await setup({ maxConcurrent: 1, latencyMs: 300 }, {}, FAST_RETRIES);
    await provider.submit(shot('first', sora), { signal });
    const second = await provider.submit(shot('second', sora), { signal });
    expect(second.jobId).toMatch(/\S/);
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(2);
    expect(stats.faults.concurrencyLimited).toBeGreaterThan(0);
  });

  it('surfaces too many jobs in flight as rate_limit once retries run out', async () => {
    const { emu, provider } = await setup({ maxConcurrent: 1, latencyMs: 5_000 }, {}, { ...FAST_RETRIES, maxAttempts: 2, maxRetryAfterMs: 500 });
    await provider.submit(shot('first', sora), { signal });
    const error = await provider.submit(shot('second', sora), { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429 });
    expect(emu.stats().jobs.created).toBe(1);
  });
});
