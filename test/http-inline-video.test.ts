/** Videos inline as base64 in a JSON answer, through the real HTTP client: polls stop where the video begins, downloads decode it to disk with every usual check. */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { useScratch } from './helpers/scratch.js';

const scratch = useScratch('videogen-inline-');
const PATH = ['response', 'videos', '*', 'bytesBase64Encoded'];

/** 24-byte ftyp, then a free box to the end: passes the MP4 checks. */
function mp4(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x61);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'latin1');
  bytes.writeUInt32BE(size - 24, 24);
  bytes.write('free', 28, 'latin1');
  return bytes;
}

function answer(base64: string | undefined): Buffer {
  const videos = base64 === undefined ? undefined : [{ bytesBase64Encoded: base64, mimeType: 'video/mp4' }];
  return Buffer.from(JSON.stringify({ name: 'op/1', done: true, response: { videos } }));
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, attempt: number) => void): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(`${req.method} ${text}`);
      handler(req, res, bodies.length);
    });
  });
  const listener = await listenOnLoopback(server);
  scratch.defer(listener.close);
  return { url: listener.url, bodies };
}

function client(): HttpClient {
  const http = new HttpClient({ retryPolicy: { baseDelayMs: 5, capDelayMs: 20, maxAttempts: 3 } });
  scratch.defer(() => http.close());
  return http;
}

const download = (http: HttpClient, url: string, dest: string) =>
  http.download({ url, json: { operationName: 'op/1' }, inlineVideoAt: PATH, dest, maxBytes: 1 << 26, timeoutMs: 10_000, purpose: 'download op' });

describe('downloads of inline videos', () => {
  it('POST the JSON body and decode the video to the file, retrying an answer cut off mid-video', async () => {
    const video = mp4(300_001);
    const body = answer(video.toString('base64'));
    const { url, bodies } = await serve((_req, res, attempt) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      if (attempt === 1) {
        res.write(body.subarray(0, 150_000), () => res.destroy());
        return;
      }
      res.end(body);
    });
    const dest = join(scratch.dir, 'cut.mp4');
    const file = await download(client(), url, dest);
    expect(bodies).toEqual(['POST {"operationName":"op/1"}', 'POST {"operationName":"op/1"}']);
    expect(file).toEqual({ path: dest, bytes: video.length, sha256: createHash('sha256').update(video).digest('hex') });
    expect((await readFile(dest)).equals(video)).toBe(true);
  });

  it.each([
    ['no video in the answer', answer(undefined), /holds no video at response\.videos\.\*\.bytesBase64Encoded/],
    ['a video that is not base64', answer('AAAA!!!!'), /not valid base64/],
    ['base64 that is not an MP4', answer(Buffer.from('<html>nope</html>').toString('base64')), /not an MP4 video/],
  ])('%s: a bad answer, not retried, nothing left behind', async (_what, body, message) => {
    const { url, bodies } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const dir = join(scratch.dir, `bad-${bodies.length}-${Math.random().toString(36).slice(2)}`);
    const error = await download(client(), url, join(dir, 'x.mp4')).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', message: expect.stringMatching(message) });
    expect(bodies).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('requests that stop where an inline video begins', () => {
  it('never read a video past the JSON cap, and parse answers without one as usual', async () => {
    const big = answer(Buffer.alloc(20 * 1024 * 1024).toString('base64'));
    const small = Buffer.from(JSON.stringify({ name: 'op/1' }));
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/big' ? big : small);
    });
    const http = client();
    const request = (path: string) => http.request({ method: 'POST', url: `${url}${path}`, json: {}, retry: 'idempotent', stopAtInlineVideo: PATH });
    expect(await request('/big')).toMatchObject({ status: 200, inlineVideo: true, body: undefined });
    const plain = await request('/small');
    expect(plain.body).toEqual({ name: 'op/1' });
    expect(plain.inlineVideo).toBeUndefined();
    // Without the option the same answer is too big to be JSON worth reading.
    await expect(http.request({ method: 'POST', url: `${url}/big`, json: {}, retry: 'none' })).rejects.toMatchObject({ kind: 'bad_response' });
  });
});
