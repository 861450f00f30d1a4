/**
 * How both providers read answers the emulator never gives: the documented oddities
 * (flat `video_url`, failures without a reason, resellers' nulls and status words) and
 * outright garbage, served by a scripted node:http server through the real HttpClient.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import { createHeygenProvider } from '../src/providers/heygen/client.js';
import { createOpenAiVideosProvider } from '../src/providers/openai-videos/client.js';
import { BAD_RESPONSE } from '../src/providers/response.js';
import { providerConfig, shot } from './providers-helpers.js';

interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

let server: http.Server;
let baseUrl: string;
/** The next answer for each `METHOD path`. */
const script = new Map<string, Scripted>();
const client = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
const signal = new AbortController().signal;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = script.get(`${req.method} ${req.url}`) ?? { status: 404, body: { error: { message: 'no script' } } };
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        'content-type': typeof answer.body === 'string' ? 'text/html' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const heygen = () => createHeygenProvider(providerConfig('heygen', baseUrl), { http: client, apiKey: 'k-heygen' });
const openai = () => createOpenAiVideosProvider(providerConfig('openai-videos', `${baseUrl}/v1`), { http: client, apiKey: 'k-openai' });

function heygenStatus(id: string, data: unknown): void {
  script.set(`GET /v1/workflows/executions/${id}`, { body: { data } });
}

function openaiVideo(id: string, video: Record<string, unknown>, headers?: Record<string, string>): void {
  script.set(`GET /v1/videos/${id}`, { body: { id, object: 'video', ...video }, ...(headers ? { headers } : {}) });
}

async function expectBadResponse(promise: Promise<unknown>, purpose: string): Promise<void> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect(error).not.toBeInstanceOf(TypeError);
  expect((error as HttpError).message).toContain(purpose);
  expect((error as HttpError).code).toMatch(/^VIDEOGEN_(PROVIDER|HTTP)_BAD_RESPONSE$/);
}

describe('heygen answers', () => {
  it('accepts the URL flat at data.output.video_url', async () => {
    heygenStatus('flat', { status: 'completed', output: { video_url: 'https://cdn.example/v.mp4', asset_id: 'a1' } });
    await expect(heygen().poll('flat', { signal })).resolves.toMatchObject({
      state: 'completed',
      job: { jobId: 'flat', url: 'https://cdn.example/v.mp4', remote: { asset_id: 'a1' } },
    });
  });

  it('records video_id and asset_id from the nested form', async () => {
    heygenStatus('nested', {
      status: 'completed',
      output: { video: { video_url: 'https://cdn.example/n.mp4', video_id: 'abc123' }, asset_id: 'asset-xyz789' },
    });
    const result = await heygen().poll('nested', { signal });
    expect(result.job).toEqual({
      jobId: 'nested',
      url: 'https://cdn.example/n.mp4',
      remote: { video_id: 'abc123', asset_id: 'asset-xyz789' },
    });
    expect(result.remote).toEqual({ video_id: 'abc123', asset_id: 'asset-xyz789' });
  });

  it('treats completed without any URL as failed with no_output', async () => {
    heygenStatus('empty', { status: 'completed', output: { video: {} } });
    await expect(heygen().poll('empty', { signal })).resolves.toMatchObject({ state: 'failed', error: { code: 'no_output' } });
    heygenStatus('nothing', { status: 'completed' });
    await expect(heygen().poll('nothing', { signal })).resolves.toMatchObject({ state: 'failed', error: { code: 'no_output' } });
  });

  it('reads a failure reason, or says there was none', async () => {
    heygenStatus('why', { status: 'failed', error: { type: 'content_policy', message: 'prompt rejected' } });
    await expect(heygen().poll('why', { signal })).resolves.toEqual({
      state: 'failed',
      error: { code: 'content_policy', message: 'prompt rejected', class: 'moderation' },
    });
    heygenStatus('mute', { status: 'failed', error: null });
    await expect(heygen().poll('mute', { signal })).resolves.toEqual({
      state: 'failed',
      error: { code: 'generation_failed', message: 'HeyGen reported failure without a reason', class: 'failed' },
    });
  });

  it('maps submitted to queued and every other status to running, with progress when numeric', async () => {
    heygenStatus('s', { status: 'submitted' });
    await expect(heygen().poll('s', { signal })).resolves.toEqual({ state: 'queued' });
    heygenStatus('r', { status: 'running', progress: 45 });
    await expect(heygen().poll('r', { signal })).resolves.toEqual({ state: 'running', progress: 45 });
    heygenStatus('u', { status: 'rendering_v2', progress: 'lots' });
    await expect(heygen().poll('u', { signal })).resolves.toEqual({ state: 'running' });
    heygenStatus('nf', { status: 'not_found' });
    await expect(heygen().poll('nf', { signal })).resolves.toEqual({ state: 'not_found' });
  });

  it('turns malformed answers into bad-response errors, never TypeErrors', async () => {
    script.set('GET /v1/workflows/executions/garbage', { body: '<html>hello</html>' });
    await expectBadResponse(heygen().poll('garbage', { signal }), 'poll garbage');
    script.set('GET /v1/workflows/executions/nodata', { body: { error: { code: 'x', message: 'y' } } });
    await expectBadResponse(heygen().poll('nodata', { signal }), 'poll nodata');
    heygenStatus('nostatus', { output: {} });
    await expectBadResponse(heygen().poll('nostatus', { signal }), 'poll nostatus');
    script.set('POST /v1/workflows/executions', { body: { data: { status: 'submitted' } } });
    await expectBadResponse(heygen().submit(shot('noid', { provider: 'heygen', model: 'veo_3_1' }), { signal }), 'submit noid');
  });
});

describe('openai-videos answers', () => {
  it('takes the id from the create answer, resellers nulls and all', async () => {
    script.set('POST /v1/videos', {
      body: { id: 'video_hx1', object: 'video', status: 'processing', progress: null, error: null, seconds: null, size: null },
    });
    await expect(openai().submit(shot('a', { provider: 'openai-videos', model: 'veo-3.1-fast-generate-001' }), { signal })).resolves.toEqual({
      jobId: 'video_hx1',
    });
  });

  it('maps statuses, progress (maybe null) and openai-poll-after-ms', async () => {
    openaiVideo('q', { status: 'queued', progress: 0 }, { 'openai-poll-after-ms': '1500' });
    await expect(openai().poll('q', { signal })).resolves.toEqual({ state: 'queued', progress: 0, pollAfterMs: 1500 });
    openaiVideo('p', { status: 'in_progress', progress: 37 });
    await expect(openai().poll('p', { signal })).resolves.toEqual({ state: 'running', progress: 37 });
    openaiVideo('hx', { status: 'processing', progress: null, error: null });
    await expect(openai().poll('hx', { signal })).resolves.toEqual({ state: 'running' });
    openaiVideo('pend', { status: 'pending' });
    await expect(openai().poll('pend', { signal })).resolves.toEqual({ state: 'running' });
  });

  it('builds the same-origin content URL for a completed video', async () => {
    openaiVideo('done', { status: 'completed', progress: 100, completed_at: null, expires_at: null });
    await expect(openai().poll('done', { signal })).resolves.toEqual({
      state: 'completed',
      progress: 100,
      job: { jobId: 'done', url: `${baseUrl}/v1/videos/done/content?variant=video` },
    });
  });

  it('reads failures with and without an error object', async () => {
    openaiVideo('f1', { status: 'failed', error: { code: 'moderation_blocked', message: 'blocked' } });
    await expect(openai().poll('f1', { signal })).resolves.toEqual({
      state: 'failed',
      error: { code: 'moderation_blocked', message: 'blocked', class: 'moderation' },
    });
    openaiVideo('f2', { status: 'failed', error: null });
    await expect(openai().poll('f2', { signal })).resolves.toEqual({
      state: 'failed',
      error: { code: 'generation_failed', message: 'failed without a reason', class: 'failed' },
    });
  });

  it('maps a 404 to not_found and other errors to HttpErrors', async () => {
    script.set('GET /v1/videos/gone', { status: 404, body: { error: { message: 'Video not found', type: 'invalid_request_error' } } });
    await expect(openai().poll('gone', { signal })).resolves.toEqual({ state: 'not_found' });
    script.set('GET /v1/videos/broken', { status: 400, body: { error: { message: 'bad id' } } });
    await expect(openai().poll('broken', { signal })).rejects.toMatchObject({ kind: 'client', status: 400 });
  });

  it('turns malformed answers into bad-response errors, never TypeErrors', async () => {
    script.set('GET /v1/videos/html', { body: '<html>gateway</html>' });
    await expectBadResponse(openai().poll('html', { signal }), 'poll html');
    openaiVideo('nostatus', { status: 42 });
    await expectBadResponse(openai().poll('nostatus', { signal }), 'poll nostatus');
    script.set('POST /v1/videos', { body: { object: 'video', status: 'queued' } });
    await expectBadResponse(openai().submit(shot('noid', { provider: 'openai-videos', model: 'sora-2' }), { signal }), 'submit noid');
    script.set('POST /v1/videos', { body: [] });
    await expectBadResponse(openai().submit(shot('arr', { provider: 'openai-videos', model: 'sora-2' }), { signal }), 'submit arr');
  });

  it('refuses a tail image rather than silently dropping it', async () => {
    const s = shot('tail', { provider: 'openai-videos', model: 'sora-2' }, { tailImage: { kind: 'url', url: 'https://example.com/t.png' } });
    await expect(openai().submit(s, { signal })).rejects.toMatchObject({ code: 'VIDEOGEN_PROVIDER_UNSUPPORTED' });
  });
});
