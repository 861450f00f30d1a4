/** The replicate provider against the built-in emulator over loopback: every status, each quirk both ways. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { HttpError } from '../src/http/errors.js';
import type { ImageSource, ProviderConfig, Shot } from '../src/manifest/types.js';
import { createReplicateProvider } from '../src/providers/replicate/client.js';
import { replicateModule } from '../src/providers/replicate/index.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { moduleShot, type ShotImages } from './helpers/module-shot.js';
import { FAST_RETRIES, pngBytes, pollUntilTerminal, providerConfig, sha256Hex, startsWithFtyp, useProviderHarness, writeImage } from './providers-helpers.js';

const KEY = 'r8_test_token_0123456789';
const VERSION = 'a'.repeat(64);
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };

const harness = useProviderHarness('replicate');

function config(baseUrl: string): ProviderConfig {
  return providerConfig('replicate', baseUrl, { name: 'rep', apiKeyEnv: 'REPLICATE_API_TOKEN', settings: {} });
}

async function setup(options: EmulatorOptions = {}, retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES) {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 5, ...options }, retryPolicy);
  const cfg = config(`${emu.url}/v1`);
  const provider = createReplicateProvider(cfg, { http, apiKey: KEY });
  const make = (id: string, request: Parameters<typeof moduleShot>[3] = {}, images: ShotImages = {}): Shot => moduleShot(replicateModule, cfg, id, request, images);
  return { emu, provider, make };
}

async function generate(provider: Provider, shot: Shot, seen?: PollResult[]): Promise<PollResult> {
  const { jobId } = await provider.submit(shot, { signal });
  return pollUntilTerminal(provider, jobId, { intervalMs: 20, ...(seen ? { seen } : {}) });
}

async function raw(emu: RunningEmulator, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${emu.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...init.headers } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('replicate: predictions from start to download', () => {
  it('runs an official model: starting, processing, succeeded; downloads the output without the key', async () => {
    const { emu, provider, make } = await setup({ latencyMs: 400 });
    const seen: PollResult[] = [];
    const shot = make('pier', { aspect_ratio: '9:16', duration: 4 });
    const { jobId, remote } = await provider.submit(shot, { signal });
    expect(remote?.prediction_url).toBe(`${emu.url}/v1/predictions/${jobId}`);
    const result = await pollUntilTerminal(provider, jobId, { intervalMs: 20, seen });
    expect(result.state).toBe('completed');
    expect(seen.map((r) => r.state)).toContain('running');
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);

    const file = harness.dest('pier');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    const stats = emu.stats();
    expect(stats.requests['POST /v1/models/:owner/:name/predictions']).toBe(1);
    expect(stats.authOnVideoUrls).toBe(0);
    expect((await raw(emu, `/v1/predictions/${jobId}`)).body.input).toEqual({
      prompt: 'prompt for pier',
      duration: 4,
      aspect_ratio: '9:16',
      resolution: '1080p',
      generate_audio: true,
    });
  });

  it('runs a model version through POST /predictions and takes the first URL of a list output', async () => {
    const { emu, provider, make } = await setup();
    const result = await generate(provider, make('community', { model: `someone/video-model:${VERSION}`, duration: 5, seed: 7 }));
    expect(result.state).toBe('completed');
    const prediction = (await raw(emu, `/v1/predictions/${result.job!.jobId}`)).body;
    expect(prediction.version).toBe(VERSION);
    expect(Array.isArray(prediction.output)).toBe(true);
    expect(result.job!.url).toBe(prediction.output[0]);
    expect(prediction.input).toEqual({ prompt: 'prompt for community', duration: 5, seed: 7 });
    expect(emu.stats().requests['POST /v1/predictions']).toBe(1);
    await provider.download(result.job!, harness.dest('community'), dl);
  });

  it('inlines small local images as data URLs and uploads larger ones once per content', async () => {
    const { emu, provider, make } = await setup();
    const small = await writeImage(harness.dir, 'small.png', pngBytes(8, 8));
    const large = await writeImage(harness.dir, 'large.png', Buffer.concat([pngBytes(8, 8), Buffer.alloc(300 * 1024)]));
    const first = await generate(provider, make('first-last', {}, { referenceImage: small, tailImage: large }));
    const again = await generate(provider, make('again', { duration: 6 }, { referenceImage: large }));
    expect([first.state, again.state]).toEqual(['completed', 'completed']);
    expect(emu.stats().requests['POST /v1/files']).toBe(1);
    const input = (await raw(emu, `/v1/predictions/${first.job!.jobId}`)).body.input;
    expect(input.image).toBe(`data:image/png;base64,${pngBytes(8, 8).toString('base64')}`);
    expect(input.last_frame).toMatch(new RegExp(`^${emu.url}/v1/files/[0-9a-f]+$`));
  });

  it('passes image URLs through as written', async () => {
    const { emu, provider, make } = await setup();
    const url: ImageSource = { kind: 'url', url: 'https://example.com/pier.jpg' };
    const result = await generate(provider, make('url', {}, { referenceImage: url }));
    expect(result.state).toBe('completed');
    expect((await raw(emu, `/v1/predictions/${result.job!.jobId}`)).body.input.image).toBe(url.url);
  });

  it('is not done while processing, even once the output URL shows', async () => {
    const { emu, provider, make } = await setup({ latencyMs: 1500 });
    const { jobId } = await provider.submit(make('early'), { signal });
    const walk: Array<{ status: string; output: unknown; state: string }> = [];
    let earlyFetch: number | undefined;
    for (;;) {
      // The poll between two raw answers: when both say the same, so did the job when it was
      // polled (a raw answer and a poll sent together can land either side of the job's end).
      const before = await raw(emu, `/v1/predictions/${jobId}`);
      const polled = await provider.poll(jobId, { signal });
      const answer = await raw(emu, `/v1/predictions/${jobId}`);
      const status = before.body.status === answer.body.status ? answer.body.status : 'changing';
      walk.push({ status, output: answer.body.output, state: polled.state });
      if (earlyFetch === undefined && answer.body.status === 'processing' && answer.body.output !== null) {
        // The URL is shown but not served yet: a client that took output for done would fail here.
        const status = (await fetch(answer.body.output as string)).status;
        if ((await raw(emu, `/v1/predictions/${jobId}`)).body.status === 'processing') earlyFetch = status;
      }
      if (answer.body.status === 'succeeded' && polled.state === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(walk.some((step) => step.status === 'processing' && step.output !== null)).toBe(true);
    expect(earlyFetch).toBe(404);
    expect(walk.filter((step) => step.status === 'processing').every((step) => step.state === 'running')).toBe(true);
  });
});

describe('replicate: how predictions end badly', () => {
  it('failed, canceled and aborted end the job as failures worth another try', async () => {
    const { provider, make } = await setup({ failRate: 1 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await generate(provider, make(`bad-${i}`)));
    expect(results.map((r) => [r.state, r.error?.code, r.error?.class])).toEqual([
      ['failed', 'prediction_failed', 'failed'],
      ['failed', 'prediction_canceled', 'failed'],
      ['failed', 'prediction_aborted', 'failed'],
    ]);
    expect(results[0]!.error?.message).toMatch(/could not generate/);
  });

  it('a prediction refused by the safety checker is moderation, never retried as is', async () => {
    const { provider, make } = await setup({ moderationRate: 1 });
    const result = await generate(provider, make('flagged'));
    expect(result.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'prediction_flagged', class: 'moderation' });
    expect(result.error?.message).toMatch(/flagged as sensitive/);
  });

  it('a prediction canceled through the API reads as canceled', async () => {
    const { emu, provider, make } = await setup({ latencyMs: 2000 });
    const { jobId } = await provider.submit(make('cancel-me'), { signal });
    const canceled = await raw(emu, `/v1/predictions/${jobId}/cancel`, { method: 'POST' });
    expect(canceled.body.status).toBe('canceled');
    expect(await provider.poll(jobId, { signal })).toMatchObject({ state: 'failed', error: { code: 'prediction_canceled' } });
  });

  it('after the retention window the output is gone: the poll says so and the old URL answers 404', async () => {
    const { provider, make } = await setup({ latencyMs: 50, contentTtlMs: 300 });
    const result = await generate(provider, make('late'));
    expect(result.state).toBe('completed');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await provider.poll(result.job!.jobId, { signal })).toMatchObject({ state: 'failed', error: { code: 'data_removed', class: 'failed' } });
    const error = await provider.download(result.job!, harness.dest('late'), dl).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('says not_found for an id Replicate does not know', async () => {
    const { provider } = await setup();
    await expect(provider.poll('rp-nosuchprediction', { signal })).resolves.toEqual({ state: 'not_found' });
  });
});

describe('replicate: refusals and their classes', () => {
  it('a wrong token is an auth error (invalid), never carrying the token', async () => {
    const { provider, make } = await setup({ apiKey: 'the-right-token' });
    const error = await provider.submit(make('auth'), { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(provider.classify!(error)).toBe('invalid');
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  it('out of credit (402) is quota; an input the model refuses (422) is invalid', async () => {
    const { emu, provider, make } = await setup({ creditLimit: 1 });
    await provider.submit(make('paid'), { signal });
    const broke = await provider.submit(make('broke'), { signal }).catch((e: unknown) => e);
    expect(broke).toMatchObject({ kind: 'credit', status: 402 });
    expect(provider.classify!(broke)).toBe('quota');
    expect(emu.stats().jobs.created).toBe(1);

    const { provider: other, make: makeOther } = await setup();
    const shot = makeOther('odd');
    shot.spec.duration = 5; // what validation would have refused
    const refused = await other.submit(shot, { signal }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422 });
    expect((refused as Error).message).toContain('input.duration');
    expect(other.classify!(refused)).toBe('invalid');
  });

  it('a refusal in content-policy words is moderation', async () => {
    const { provider } = await setup();
    const flagged = new HttpError('client', 'submit x: HTTP 400 from https://r.test/v1/predictions: NSFW content detected in the input image', { status: 400 });
    expect(provider.classify!(flagged)).toBe('moderation');
    expect(provider.classify!(new HttpError('client', 'submit x: HTTP 400 from https://r.test/v1/models/a/flagged/predictions: bad input', { status: 400 }))).toBe('invalid');
  });

  it('rides out 429s and 503s on submit without creating a prediction twice', async () => {
    const { emu, provider, make } = await setup({ rateLimitRate: 0.2, errorRate: 0.2, seed: 11 }, { ...FAST_RETRIES, maxAttempts: 12 });
    for (let i = 0; i < 3; i++) expect((await generate(provider, make(`r${i}`))).state).toBe('completed');
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(3);
    expect(stats.faults.rateLimited + stats.faults.errors).toBeGreaterThan(0);
  });

  it('recovers polls and downloads from dropped connections and truncated bodies', async () => {
    const { emu, provider, make } = await setup({ dropRate: 0.3, truncateRate: 0.3, seed: 6 }, { ...FAST_RETRIES, maxAttempts: 12 });
    for (let i = 0; i < 3; i++) {
      const result = await generate(provider, make(`d${i}`));
      const file = harness.dest(`d${i}`);
      const downloaded = await provider.download(result.job!, file, dl);
      expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    }
    expect(emu.stats().faults.drops + emu.stats().faults.truncations).toBeGreaterThan(0);
  });
});
