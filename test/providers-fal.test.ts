/** The fal provider against the built-in emulator over loopback. */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { startEmulator } from '../src/emulator/server.js';
import type { HttpClient } from '../src/http/client.js';
import type { LockRemote } from '../src/lock/types.js';
import { createFalProvider } from '../src/providers/fal/client.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { FAL_KEY, falConfig, falShot, startRewritingProxy } from './fal-helpers.js';
import { pngBytes, pollUntilTerminal, sha256Hex, startsWithFtyp, useProviderHarness, writeImage } from './providers-helpers.js';

const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };
const harness = useProviderHarness('fal');

async function setup(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; http: HttpClient; provider: Provider }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 5, ...options });
  return { emu, http, provider: createFalProvider(falConfig(emu.url), { http, apiKey: FAL_KEY }) };
}

/** Submits and polls to the end, the way the executor does: with the remote the lock would hold. */
async function run(provider: Provider, shot: ReturnType<typeof falShot>, seen?: PollResult[]): Promise<{ jobId: string; remote: LockRemote; result: PollResult }> {
  const { jobId, remote } = await provider.submit(shot, { signal });
  expect(remote).toBeDefined();
  const result = await pollUntilTerminal(provider, jobId, { remote: remote!, ...(seen ? { seen } : {}) });
  return { jobId, remote: remote!, result };
}

describe('fal provider: queue → COMPLETED → result → download', () => {
  it('keeps the app-root URLs fal hands out, polls them until COMPLETED, fetches the result and downloads the MP4', async () => {
    const { emu, provider } = await setup();
    const seen: PollResult[] = [];
    const { jobId, remote, result } = await run(provider, falShot('lighthouse', { model: 'fal-ai/veo3.1/image-to-video', reference_image: 'https://example.com/l.png' }, { referenceImage: { kind: 'url', url: 'https://example.com/l.png' } }), seen);
    const root = `${emu.url}/fal/queue/fal-ai/veo3.1/requests/${jobId}`;
    expect(remote).toEqual({ status_url: `${root}/status`, response_url: root, cancel_url: `${root}/cancel` });
    expect(result.state).toBe('completed');
    expect(seen.slice(0, -1).every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
    expect(result.job?.remote?.video_url).toBe(result.job?.url);

    const file = harness.dest('lighthouse');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(downloaded.bytes).toBe((await stat(file)).size);

    const stats = emu.stats();
    expect(stats.requests['POST /fal/queue/:owner/:app/:p1']).toBe(1);
    expect(stats.requests['GET /fal/queue/:owner/:app/requests/:id']).toBe(1);
    expect(stats.requests['GET /fal/queue/:owner/:app/requests/:id/status']).toBe(seen.length);
    expect(stats.authOnVideoUrls).toBe(0);
  });

  it('uses the URLs exactly as handed out, wherever they point on the queue host', async () => {
    const { emu, http } = await harness.start({ latencyMs: 100, seed: 2 });
    const proxy = await startRewritingProxy(emu.url, 'move');
    harness.defer(() => proxy.close());
    const provider = createFalProvider(falConfig(proxy.url), { http, apiKey: FAL_KEY });
    const { jobId, remote, result } = await run(provider, falShot('moved', { model: 'fal-ai/kling-video/v3/pro/text-to-video', duration: 5 }));
    expect(remote.status_url).toBe(`${proxy.url}/elsewhere/fal-ai/kling-video/requests/${jobId}/status`);
    expect(result.state).toBe('completed');
    const reads = proxy.requests.filter((r) => r.line.startsWith('GET') && !r.line.includes('/_emulator/'));
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((r) => r.line.startsWith(`GET /elsewhere/fal-ai/kling-video/requests/${jobId}`))).toBe(true);
    expect(reads.find((r) => r.line.includes('/status'))?.line).toContain('?logs=1');
  });

  it('builds the URLs as the SDKs do when an answer carries request_id alone, and still finds the request', async () => {
    const { emu, http } = await harness.start({ latencyMs: 100, seed: 3 });
    const proxy = await startRewritingProxy(emu.url, 'strip');
    harness.defer(() => proxy.close());
    const provider = createFalProvider(falConfig(proxy.url), { http, apiKey: FAL_KEY });
    const { jobId, remote, result } = await run(provider, falShot('stripped', { model: 'bytedance/seedance-2.0/fast/text-to-video' }));
    expect(remote.response_url).toBe(`${proxy.url}/fal/queue/bytedance/seedance-2.0/requests/${jobId}`);
    expect(result.state).toBe('completed');
  });

  it('queues requests beyond the per-key limit (IN_QUEUE) instead of refusing them', async () => {
    const { emu, provider } = await setup({ latencyMs: 300, maxConcurrent: 1 });
    const runs = await Promise.all([1, 2, 3].map(async (n) => {
      const seen: PollResult[] = [];
      const done = await run(provider, falShot(`q${n}`, { model: 'fal-ai/veo3.1', prompt: `queued ${n}` }), seen);
      return { seen, done };
    }));
    for (const { done } of runs) expect(done.result.state).toBe('completed');
    // The last of three waited for two others: it was seen queued for several polls.
    expect(Math.max(...runs.map(({ seen }) => seen.filter((r) => r.state === 'queued').length))).toBeGreaterThan(3);
    expect(emu.stats().faults.concurrencyLimited).toBe(2);
    expect(emu.stats().jobs.created).toBe(3);
  });
});

describe('fal provider: COMPLETED is not success', () => {
  it('reads a moderated request from its result: failed, class moderation', async () => {
    const { emu, provider } = await setup({ moderationRate: 1 });
    const { remote, result } = await run(provider, falShot('flagged', { model: 'fal-ai/veo3.1' }));
    expect(result).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation', class: 'moderation' } });
    expect(result.error?.message).toContain('flagged by a content checker');
    // The status itself said COMPLETED, with 200: there is no FAILED state.
    const status = await fetch(remote.status_url!, { headers: { authorization: `Key ${FAL_KEY}` } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: string }).status).toBe('COMPLETED');
    expect(emu.stats().jobs.failed).toBe(1);
  });

  it('tells a runner failure (not charged: transient) from a model failure (failed)', async () => {
    const { provider } = await setup({ failRate: 1 });
    const results = await Promise.all([1, 2].map((n) => run(provider, falShot(`f${n}`, { model: 'fal-ai/veo3.1', prompt: `failing ${n}` }))));
    const errors = results.map((r) => r.result.error).sort((a, b) => String(a?.code).localeCompare(String(b?.code)));
    expect(results.every((r) => r.result.state === 'failed')).toBe(true);
    expect(errors).toMatchObject([
      { code: 'generation_failed', class: 'failed' },
      { code: 'runner_server_error', class: 'transient' },
    ]);
  });

  it('reports input the model refused, which fal only says in the result: failed, class invalid', async () => {
    const { provider } = await setup();
    // Veo takes 4, 6 or 8 seconds; validation would refuse 5, so the shot is built by hand.
    const { result } = await run(provider, falShot('five', { model: 'fal-ai/veo3.1', duration: 5 }));
    expect(result).toMatchObject({ state: 'failed', error: { code: 'literal_error', class: 'invalid' } });
    expect(result.error?.message).toContain('(body.duration)');
  });

  it('fails a request whose result was not fetched in time, unless the video URL was kept', async () => {
    const { emu, provider } = await setup({ latencyMs: 50, resultTtlMs: 100 });
    const { jobId, remote } = await provider.submit(falShot('late', { model: 'fal-ai/veo3.1' }), { signal });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const late = await provider.poll(jobId, { signal, remote: remote! });
    expect(late).toMatchObject({ state: 'failed', error: { code: 'result_expired', class: 'failed' } });

    // Fetched in time once, the video's URL is in the lock: a later download still finds it.
    const { jobId: kept, remote: keptRemote } = await provider.submit(falShot('kept', { model: 'fal-ai/veo3.1' }), { signal });
    const first = await pollUntilTerminal(provider, kept, { remote: keptRemote!, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await provider.poll(kept, { signal, remote: { ...keptRemote, ...first.job!.remote } });
    expect(again.state).toBe('completed');
    expect(again.job?.url).toBe(first.job?.url);
    expect(emu.stats().requests['GET /fal/queue/:owner/:app/requests/:id']).toBe(3);
  });
});

describe('fal provider: local images and keys', () => {
  it('uploads a local image to the CDN once (key to the REST host only), then sends its URL', async () => {
    const { emu, http } = await harness.start({ latencyMs: 100, seed: 4 });
    const proxy = await startRewritingProxy(emu.url, 'move');
    harness.defer(() => proxy.close());
    const provider = createFalProvider(falConfig(proxy.url), { http, apiKey: FAL_KEY });
    const image = await writeImage(harness.dir, 'frame.png', pngBytes(6, 6));
    const tail = await writeImage(harness.dir, 'last.png', pngBytes(6, 6, [1, 2, 3]));
    const spec = { model: 'fal-ai/kling-video/v3/pro/image-to-video' };
    const [a, b] = await Promise.all([
      run(provider, falShot('spin-a', spec, { referenceImage: image, tailImage: tail })),
      run(provider, falShot('spin-b', spec, { referenceImage: image })),
    ]);
    expect([a.result.state, b.result.state]).toEqual(['completed', 'completed']);

    const initiates = proxy.requests.filter((r) => r.line.startsWith('POST /fal/rest/storage/upload/initiate?storage_type=fal-cdn-v3'));
    const puts = proxy.requests.filter((r) => r.line.startsWith('PUT /fal/cdn/uploads/'));
    expect(initiates).toHaveLength(2);
    expect(initiates.every((r) => r.authorized)).toBe(true);
    expect(puts).toHaveLength(2);
    expect(puts.some((r) => r.authorized)).toBe(false);
    expect(emu.stats().authOnVideoUrls).toBe(0);
    // The request that fal's app ran saw the uploaded files (the emulator checks that they exist).
    expect(emu.stats().jobs.failed).toBe(0);
  });

  it('never sends the key to a URL on another host than base_url', async () => {
    const { emu, provider } = await setup();
    const other = await startEmulator({ latencyMs: 100 });
    harness.defer(() => other.close());
    const { jobId, remote } = await provider.submit(falShot('elsewhere', { model: 'fal-ai/veo3.1' }), { signal });
    const moved = Object.fromEntries(Object.entries(remote!).map(([k, v]) => [k, String(v).replace(emu.url, other.url)]));
    await expect(provider.poll(jobId, { signal, remote: moved })).rejects.toMatchObject({ code: 'VIDEOGEN_PROVIDER_BAD_RESPONSE' });
    expect(other.stats().requests).toEqual({});
  });

  it('will not guess where a request lives without the URLs the lock should hold', async () => {
    const { emu, provider } = await setup();
    await expect(provider.poll('abc', { signal })).rejects.toMatchObject({ code: 'VIDEOGEN_PROVIDER_NO_REMOTE' });
    const unknown = `${emu.url}/fal/queue/fal-ai/veo3.1/requests/not-a-request`;
    await expect(provider.poll('not-a-request', { signal, remote: { status_url: `${unknown}/status`, response_url: unknown } })).resolves.toEqual({ state: 'not_found' });
  });

  it("moves an emulated entry's recorded URLs to this run's emulator, which answers for earlier runs' requests", async () => {
    const { emu, http } = await harness.start({ latencyMs: 100, seed: 6 });
    const first = createFalProvider(falConfig(emu.url, { emulate: true }), { http, apiKey: FAL_KEY });
    const { jobId, remote } = await first.submit(falShot('across-runs', { model: 'fal-ai/veo3.1' }), { signal });
    const next = await startEmulator({ latencyMs: 100 });
    harness.defer(() => next.close());
    const second = createFalProvider(falConfig(next.url, { emulate: true }), { http, apiKey: FAL_KEY });
    const result = await pollUntilTerminal(second, jobId, { remote: remote! });
    expect(result.state).toBe('completed');
    expect(result.job?.url.startsWith(next.url)).toBe(true);
  });
});

describe('fal provider: finding an interrupted submission', () => {
  const since = () => new Date(Date.now() - 1000).toISOString();

  it("adopts the unclaimed request whose input is exactly the shot's, with URLs to poll it by", async () => {
    const { emu, provider } = await setup();
    const shot = falShot('lost', { model: 'fal-ai/veo3.1', aspect_ratio: '9:16', duration: 6 });
    await provider.submit(falShot('other', { model: 'fal-ai/veo3.1', aspect_ratio: '16:9', duration: 6, prompt: shot.spec.prompt }), { signal });
    const { jobId } = await provider.submit(shot, { signal });
    const found = await provider.findSubmitted!(shot, since(), new Set(), { signal });
    expect(found).toMatchObject({ jobId, remote: { status_url: `${emu.url}/fal/queue/fal-ai/veo3.1/requests/${jobId}/status` } });
    const result = await pollUntilTerminal(provider, jobId, { remote: (found as { remote: LockRemote }).remote });
    expect(result.state).toBe('completed');
    expect(await provider.findSubmitted!(shot, since(), new Set([jobId]), { signal })).toBe('none');
    expect(emu.stats().jobs.created).toBe(2);
  });

  it('says none when nothing matches, unknown when a local image makes the input unknowable', async () => {
    const { emu, provider } = await setup();
    expect(await provider.findSubmitted!(falShot('never', { model: 'fal-ai/veo3.1' }), since(), new Set(), { signal })).toBe('none');
    const image = await writeImage(harness.dir, 'lost.png');
    const withImage = falShot('img', { model: 'fal-ai/veo3.1/image-to-video' }, { referenceImage: image });
    expect(await provider.findSubmitted!(withImage, since(), new Set(), { signal })).toBe('unknown');
    expect(emu.stats().requests['GET /fal/api/v1/models/requests/by-endpoint']).toBe(1);
  });
});
