/** The OpenRouter provider against the built-in emulator over loopback, and against a scripted server for what the emulator never says. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { VideogenError } from '../src/errors.js';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import type { ProviderConfig, Spec } from '../src/manifest/types.js';
import { createOpenRouterProvider } from '../src/providers/openrouter/client.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { FAST_RETRIES, pollUntilTerminal, providerConfig, sha256Hex, shot, startsWithFtyp, useProviderHarness, writeImage } from './providers-helpers.js';

const KEY = 'sk-or-v1-provider-test-key';
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };

const harness = useProviderHarness('openrouter');
const { dest } = harness;

function orConfig(baseUrl: string): ProviderConfig {
  return providerConfig('openrouter', baseUrl, { name: 'or', apiKeyEnv: 'OPENROUTER_API_KEY' });
}

async function setup(options: EmulatorOptions = {}, retryPolicy: Partial<typeof FAST_RETRIES> = FAST_RETRIES): Promise<{ emu: RunningEmulator; provider: Provider }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 3, ...options }, retryPolicy);
  return { emu, provider: createOpenRouterProvider(orConfig(`${emu.url}/api/v1`), { http, apiKey: KEY }) };
}

const veo = { provider: 'openrouter' as const, model: 'google/veo-3.1-fast', duration: 4 };

async function generate(provider: Provider, id: string, extra: Partial<Spec> = {}): Promise<PollResult> {
  const { jobId } = await provider.submit(shot(id, { ...veo, ...extra }), { signal });
  return pollUntilTerminal(provider, jobId);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('openrouter provider: the happy paths', () => {
  it('submits, polls until completed, records polling_url and generation_id, reports usage.cost, downloads a verified MP4', async () => {
    const { emu, provider } = await setup();
    const submitted = await provider.submit(shot('boat', { ...veo, resolution: '720p', aspect_ratio: '16:9' }), { signal });
    expect(submitted.remote).toEqual({ polling_url: `/api/v1/videos/${submitted.jobId}` });
    const seen: PollResult[] = [];
    const result = await pollUntilTerminal(provider, submitted.jobId, { seen });
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
    expect(result).toMatchObject({ state: 'completed', progress: 100, reportedCost: 0.6 });
    expect(result.job?.url).toBe(`${emu.url}/api/v1/videos/${submitted.jobId}/content?index=0`);
    expect(result.job?.remote).toEqual({ polling_url: `/api/v1/videos/${submitted.jobId}`, generation_id: expect.stringMatching(/^gen-/) });

    const file = dest('boat');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(emu.stats().requests['POST /api/v1/videos']).toBe(1);
    expect(emu.stats().requests['GET /api/v1/videos/:id/content']).toBe(1);
  });

  it('polls relative and absolute polling URLs on its own origin alike', async () => {
    const { provider } = await setup({ latencyMs: 50 });
    const first = await provider.submit(shot('rel', veo), { signal });
    const second = await provider.submit(shot('abs', veo), { signal });
    expect(first.remote?.polling_url).toMatch(/^\/api\/v1\/videos\//);
    expect(second.remote?.polling_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/videos\//);
    for (const { jobId } of [first, second]) expect((await pollUntilTerminal(provider, jobId)).state).toBe('completed');
  });

  it('never sends the key to a polling_url or content URL on another origin: it polls and downloads under base_url instead', async () => {
    // Behind the proxy, the emulator's absolute URLs name its own origin: another origin than base_url's.
    const { emu, proxy, http } = await harness.startProxied({ latencyMs: 80, seed: 4 });
    const provider = createOpenRouterProvider(orConfig(`${proxy.url}/api/v1`), { http, apiKey: KEY });
    const jobs = [await provider.submit(shot('p1', veo), { signal }), await provider.submit(shot('p2', veo), { signal })];
    expect(jobs[1]!.remote?.polling_url).toBe(`${emu.url}/api/v1/videos/${jobs[1]!.jobId}`);
    for (const { jobId } of jobs) {
      const result = await pollUntilTerminal(provider, jobId);
      expect(result.job?.url).toBe(`${proxy.url}/api/v1/videos/${jobId}/content?index=0`);
      await provider.download(result.job!, dest(jobId), dl);
    }
    // Every request the emulator saw came through the proxy, each with the key.
    const stats = emu.stats().requests;
    const through = (pattern: RegExp) => proxy.records.filter((r) => pattern.test(r.path)).length;
    expect(through(/^\/api\/v1\/videos\/[^/]+$/)).toBe(stats['GET /api/v1/videos/:id']);
    expect(through(/\/content\?index=0$/)).toBe(2);
    expect(stats['GET /api/v1/videos/:id/content']).toBe(2);
    expect(proxy.records.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    // A job URL on another origin gets no key, so the emulator, which wants one there, refuses it.
    const elsewhere = { jobId: 'x', url: `${emu.url}/api/v1/videos/${jobs[0]!.jobId}/content?index=0` };
    expect(await rejection(provider.download(elsewhere, dest('elsewhere'), dl))).toMatchObject({ kind: 'auth', status: 401 });
  });

  it('image to video: a local first frame and a URL last frame', async () => {
    const { provider } = await setup();
    const image = await writeImage(harness.dir, 'first.png');
    const { jobId } = await provider.submit(
      shot('frames', { ...veo, model: 'google/veo-3.1' }, {
        referenceImage: image,
        tailImage: { kind: 'url', url: 'https://example.com/last.png' },
      }),
      { signal },
    );
    expect((await pollUntilTerminal(provider, jobId)).state).toBe('completed');
  });
});

describe('openrouter provider: failures, expiry and classes', () => {
  it('ends failed and cancelled jobs as failed (class failed), with the reason when there is one', async () => {
    const { provider } = await setup({ latencyMs: 50, failRate: 1 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await generate(provider, `f${i}`));
    expect(results.map((r) => [r.state, r.error?.code, r.error?.class])).toEqual([
      ['failed', 'generation_failed', 'failed'],
      ['failed', 'generation_failed', 'failed'],
      ['failed', 'cancelled', 'failed'],
    ]);
    expect(results[0]!.error?.message).toMatch(/failed upstream/);
    expect(results[2]!.error?.message).toMatch(/cancelled/);
  });

  it('ends an expired job failed (class failed: generate again), keeping its reported cost; its content is gone', async () => {
    const { emu, provider } = await setup({ latencyMs: 50, contentTtlMs: 150 });
    const { jobId } = await provider.submit(shot('late', veo), { signal });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const result = await provider.poll(jobId, { signal });
    expect(result).toMatchObject({ state: 'failed', error: { code: 'expired', class: 'failed' }, reportedCost: 0.6 });
    const gone = { jobId, url: `${emu.url}/api/v1/videos/${jobId}/content?index=0` };
    expect(await rejection(provider.download(gone, dest('late'), dl))).toMatchObject({ status: 404 });
  });

  it('classifies content-policy refusals as moderation: a 403 at the door (with a hint that says so) and a job failed on content policy', async () => {
    const { emu, provider } = await setup({ latencyMs: 50, moderationRate: 1 });
    const refusals: unknown[] = [];
    const failures: PollResult[] = [];
    for (let i = 0; i < 8 && (refusals.length === 0 || failures.length === 0); i++) {
      try {
        failures.push(await generate(provider, `m${i}`, { prompt: `A storm over the harbour, take ${i}` }));
      } catch (error) {
        refusals.push(error);
      }
    }
    expect(refusals[0]).toBeInstanceOf(HttpError);
    expect(refusals[0]).toMatchObject({ status: 403, providerCode: 'moderation', hint: expect.stringMatching(/content policy/) });
    expect(provider.classify!(refusals[0])).toBe('moderation');
    expect(failures[0]).toMatchObject({ state: 'failed', error: { code: 'content_policy', class: 'moderation' } });
    expect(emu.stats().jobs.created).toBe(failures.length);
  });

  it('classifies 402 (out of credit, --credit-limit) as quota, with the credit hint', async () => {
    const { emu, provider } = await setup({ creditLimit: 1 });
    await provider.submit(shot('paid', veo), { signal });
    const error = await rejection(provider.submit(shot('broke', veo), { signal }));
    expect(error).toMatchObject({ status: 402, kind: 'credit', message: expect.stringContaining('Insufficient credits'), hint: expect.stringMatching(/credit/) });
    expect(provider.classify!(error)).toBe('quota');
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('says not_found for a job the API does not know, and invalid for a value the model lacks', async () => {
    const { provider } = await setup();
    expect(await provider.poll('orv-unknown', { signal })).toEqual({ state: 'not_found' });
    const refused = await rejection(provider.submit(shot('lite', { ...veo, model: 'google/veo-3.1-lite', duration: 7 }), { signal }));
    expect(refused).toMatchObject({ status: 400, kind: 'client', message: expect.stringMatching(/supported_durations/) });
    expect(provider.classify!(refused)).toBe('invalid');
  });

  it('classifies persistent 5xx answers as transient, after the retries the submit mode allows', async () => {
    const { emu, provider } = await setup({ errorRate: 1 }, { ...FAST_RETRIES, maxAttempts: 2 });
    const error = await rejection(provider.submit(shot('busy', veo), { signal }));
    expect(error).toMatchObject({ status: 503 });
    expect(provider.classify!(error)).toBe('transient');
    // 503 with Retry-After creates nothing, so the submit mode may retry it.
    expect(emu.stats().requests['POST /api/v1/videos']).toBe(2);
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('classifies what the API does not say by HTTP status, and errors of its own making by cause', () => {
    const provider = createOpenRouterProvider(orConfig('https://openrouter.ai/api/v1'), { http: new HttpClient(), apiKey: KEY });
    const http = (status: number, kind: ConstructorParameters<typeof HttpError>[0]) => new HttpError(kind, `HTTP ${status}`, { status });
    expect(provider.classify!(http(402, 'credit'))).toBe('quota');
    expect(provider.classify!(http(401, 'auth'))).toBe('invalid');
    // Only a submission's 403 is a moderation refusal (the submit test above); elsewhere it is the key's.
    expect(provider.classify!(http(403, 'auth'))).toBe('invalid');
    expect(provider.classify!(http(404, 'client'))).toBe('invalid');
    expect(provider.classify!(http(408, 'client'))).toBe('transient');
    expect(provider.classify!(http(429, 'rate_limit'))).toBe('transient');
    expect(provider.classify!(http(502, 'server'))).toBe('transient');
    expect(provider.classify!(new HttpError('network', 'reset'))).toBe('transient');
    expect(provider.classify!(new VideogenError('VIDEOGEN_IMAGE_CHANGED', 'changed'))).toBe('invalid');
    expect(provider.classify!(new TypeError('bug'))).toBe('failed');
  });
});

/** A server that answers each route from a queue of scripted answers, for what the emulator never says. */
async function scriptedServer(answers: Record<string, Array<[number, unknown]>>): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
      seen.push(key);
      const [status, body] = answers[key]?.shift() ?? [404, { error: { code: 404, message: 'no script' } }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  const listener = await listenOnLoopback(server);
  harness.defer(() => listener.close());
  return { url: listener.url, seen };
}

describe('openrouter provider: answers the emulator never gives', () => {
  it('reads unknown statuses as running, string costs and object errors, and falls back to the documented content path', async () => {
    const job = '/api/v1/videos/j1';
    const server = await scriptedServer({
      'POST /api/v1/videos': [
        [202, { id: 'j1', polling_url: job, status: 'pending', generation_id: 'gen-1' }],
        [202, { id: 'j2', status: 'pending' }],
      ],
      [`GET ${job}`]: [
        [200, { id: 'j1', status: 'rendering', polling_url: job }],
        [200, { id: 'j1', status: 'completed', usage: { cost: '0.25', is_byok: false } }],
      ],
      'GET /api/v1/videos/j2': [[200, { id: 'j2', status: 'failed', error: { code: 'E_SAFETY', message: 'Blocked by the safety filter' }, usage: { cost: 'n/a' } }]],
    });
    const http = new HttpClient({ retryPolicy: FAST_RETRIES });
    harness.defer(() => http.close());
    const provider = createOpenRouterProvider(orConfig(`${server.url}/api/v1`), { http, apiKey: KEY });
    const first = await provider.submit(shot('s1', veo), { signal });
    expect(first).toEqual({ jobId: 'j1', remote: { polling_url: job, generation_id: 'gen-1' } });
    expect(await provider.poll('j1', { signal })).toEqual({ state: 'running', remote: { polling_url: job, generation_id: 'gen-1' } });
    expect(await provider.poll('j1', { signal })).toMatchObject({
      state: 'completed',
      reportedCost: 0.25,
      job: { jobId: 'j1', url: `${server.url}/api/v1/videos/j1/content?index=0` },
    });
    // No polling_url: the documented path; a cost that is no number is no report.
    expect(await provider.submit(shot('s2', veo), { signal })).toEqual({ jobId: 'j2' });
    const failed = await provider.poll('j2', { signal });
    expect(failed).toEqual({ state: 'failed', error: { code: 'E_SAFETY', message: 'Blocked by the safety filter', class: 'moderation' } });
    expect(server.seen).toEqual(['POST /api/v1/videos', `GET ${job}`, `GET ${job}`, 'POST /api/v1/videos', 'GET /api/v1/videos/j2']);
  });

  it('refuses a submission answer without a job id as a bad response', async () => {
    const server = await scriptedServer({ 'POST /api/v1/videos': [[202, { status: 'pending' }]] });
    const http = new HttpClient({ retryPolicy: FAST_RETRIES });
    harness.defer(() => http.close());
    const provider = createOpenRouterProvider(orConfig(`${server.url}/api/v1`), { http, apiKey: KEY });
    expect(await rejection(provider.submit(shot('noid', veo), { signal }))).toMatchObject({ code: 'VIDEOGEN_PROVIDER_BAD_RESPONSE' });
  });
});
