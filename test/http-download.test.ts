import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import type { DownloadRequest } from '../src/http/types.js';
import { readMp4DurationSeconds } from '../src/run/mp4-duration.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { useScratch } from './helpers/scratch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  requests: Array<{ url: string; headers: IncomingMessage['headers'] }>;
}

const scratch = useScratch('videogen-download-');

async function startServer(handler: Handler): Promise<TestServer> {
  const state: TestServer = { url: '', requests: [] };
  const server = createServer((req, res) => {
    state.requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const listener = await listenOnLoopback(server);
  state.url = listener.url;
  scratch.defer(listener.close);
  return state;
}

function makeClient(options: HttpClientOptions = {}): HttpClient {
  const client = new HttpClient({ retryPolicy: { baseDelayMs: 5, capDelayMs: 20, maxAttempts: 3 }, ...options });
  scratch.defer(() => client.close());
  return client;
}

/**
 * A byte string that passes the MP4 checks: a 24-byte ftyp box, then a `free` box filling
 * the rest, so the boxes end exactly at the last byte (copies can be concatenated).
 */
function mp4Bytes(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x61);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'latin1');
  if (size >= 32) {
    bytes.writeUInt32BE(size - 24, 24);
    bytes.write('free', 28, 'latin1');
  }
  return bytes;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function promiseError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promiseError(promise);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

function request(url: string, overrides: Partial<DownloadRequest> = {}): DownloadRequest {
  return { url, dest: join(scratch.dir, 'out', 'shot.mp4'), maxBytes: 1024 * 1024 * 1024, timeoutMs: 10_000, ...overrides };
}

async function leftovers(): Promise<string[]> {
  return existsSync(join(scratch.dir, 'out')) ? readdir(join(scratch.dir, 'out')) : [];
}

describe('download: success', () => {
  it('streams a 64 MB video to .part, hashes it and renames it into place', async () => {
    const chunk = mp4Bytes(1024 * 1024);
    const count = 64;
    const expected = createHash('sha256');
    for (let i = 0; i < count; i++) expected.update(chunk);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(chunk.length * count) });
      // A megabyte every 10 ms: the download spans well over the 100 ms progress interval on
      // any machine, so there is always a report from the middle to look at.
      let sent = 0;
      const pump = (): void => {
        if (sent === count) return void res.end();
        sent++;
        if (res.write(chunk)) setTimeout(pump, 10);
        else res.once('drain', () => setTimeout(pump, 10));
      };
      pump();
    });
    const dest = join(scratch.dir, 'out', 'nested', 'hero.mp4');
    const progress: number[] = [];
    const midway = { received: 0, onDisk: 0 };
    const file = await makeClient().download(
      request(`${server.url}/video.mp4`, {
        dest,
        onProgress: (bytes) => {
          progress.push(bytes);
          if (midway.received === 0 && bytes > 16 * 1024 * 1024 && bytes < 48 * 1024 * 1024) {
            midway.received = bytes;
            midway.onDisk = statSync(`${dest}.part`).size;
          }
        },
      }),
    );

    expect(file).toEqual({ path: dest, sha256: expected.digest('hex'), bytes: chunk.length * count });
    expect((await stat(dest)).size).toBe(chunk.length * count);
    expect(existsSync(`${dest}.part`)).toBe(false);
    // Streamed: halfway through, what had arrived was already on disk, give or take a few buffers.
    // (A buffering download would show an empty .part here.)
    expect(midway.received).toBeGreaterThan(0);
    expect(midway.onDisk).toBeGreaterThan(midway.received - 4 * 1024 * 1024);
    // Throttled, and the last report is the total.
    expect(progress.length).toBeLessThan(200);
    expect(progress.at(-1)).toBe(chunk.length * count);
  });

  it('checks the signature when it arrives split across chunks', async () => {
    const bytes = mp4Bytes(1000);
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write(bytes.subarray(0, 3));
      setTimeout(() => {
        res.write(bytes.subarray(3, 6));
        setTimeout(() => res.end(bytes.subarray(6)), 10);
      }, 10);
    });
    const file = await makeClient().download(request(`${server.url}/v.mp4`));
    expect(file.sha256).toBe(sha256(bytes));
    expect(await readFile(file.path)).toEqual(bytes);
  });

  it('reads the playing time from moov/mvhd as the video streams past, and none from a video without it', async () => {
    const video = await readFile(new URL('../assets/videos/16x9.mp4', import.meta.url));
    const server = await startServer((req, res) => res.end(req.url === '/real.mp4' ? video : mp4Bytes(1000)));
    const file = await makeClient().download(request(`${server.url}/real.mp4`));
    expect(file.durationSeconds).toBe(await readMp4DurationSeconds(file.path));
    expect(file.durationSeconds).toBeGreaterThan(0);
    const plain = await makeClient().download(request(`${server.url}/plain.mp4`, { dest: join(scratch.dir, 'out', 'plain.mp4') }));
    expect(plain.durationSeconds).toBeUndefined();
  });

  it('retries a 503 and a truncated body, then succeeds from scratch', async () => {
    const bytes = mp4Bytes(5000);
    let calls = 0;
    const server = await startServer((req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503, { 'retry-after-ms': '5' }).end();
      res.writeHead(200, { 'content-length': String(bytes.length) });
      if (calls === 2) {
        res.write(bytes.subarray(0, 2000));
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.end(bytes);
    });
    const file = await makeClient().download(request(`${server.url}/v.mp4`));
    expect(calls).toBe(3);
    expect(file.bytes).toBe(5000);
    expect(file.sha256).toBe(sha256(bytes));
  });
});

describe('download: rejections leave no file behind', () => {
  it('rejects an HTML page served with 200 as NOT_MP4, without retrying', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Access denied</body></html>');
    });
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`)));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_NOT_MP4');
    expect(server.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a body shorter than the signature as NOT_MP4', async () => {
    const server = await startServer((_req, res) => res.end('tiny'));
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`)));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_NOT_MP4');
    expect(await leftovers()).toEqual([]);
  });

  it('retries a body shorter than its Content-Length until its deadline, then fails as TRUNCATED', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-length': '10000' });
      res.write(mp4Bytes(4000));
      setTimeout(() => req.socket.destroy(), 10);
    });
    // Retried until the download's deadline (not a fixed count), then the cause is reported.
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { timeoutMs: 600 })));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TRUNCATED');
    expect(error.message).toMatch(/after \d+ attempts/);
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses a declared Content-Length over maxBytes before reading', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(mp4Bytes(1024));
    });
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { maxBytes: 1024 * 1024 })));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TOO_LARGE');
    expect(server.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('aborts a chunked body as soon as it passes maxBytes', async () => {
    let written = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      const chunk = mp4Bytes(64 * 1024);
      const pump = (): void => {
        while (written < 200 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { maxBytes: 1024 * 1024 })));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TOO_LARGE');
    expect(written).toBeLessThan(50 * 1024 * 1024);
    expect(server.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('stops an endless body at timeoutMs', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      // A well-formed start whose last box (size 0) runs to the end of the body: only the clock can stop it.
      res.write(Buffer.concat([mp4Bytes(1024), Buffer.from([0, 0, 0, 0]), Buffer.from('mdat', 'latin1')]));
      const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 5);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { timeoutMs: 400 })));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TIMEOUT');
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await leftovers()).toEqual([]);
  });

  it('stops a slow-loris server (a byte at a time) at timeoutMs', async () => {
    const bytes = mp4Bytes(1000);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      let i = 0;
      const timer = setInterval(() => res.write(bytes.subarray(i, ++i)), 100);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { timeoutMs: 500 })));
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await leftovers()).toEqual([]);
  });

  it('maps a 404 to an HTTP error without retrying, and keeps the signed query out of the message', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json', 'x-request-id': 'req_dl' });
      res.end('{"error":{"message":"video expired"}}');
    });
    const error = await failure(
      makeClient().download(request(`${server.url}/v.mp4?X-Amz-Signature=SIGSECRET`, { purpose: 'download hero' })),
    );
    expect(error.code).toBe('VIDEOGEN_HTTP_CLIENT');
    expect(error.message).toBe(`download hero: HTTP 404 from ${server.url}/v.mp4: video expired (request id req_dl)`);
    expect(server.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('passes a local write failure on as is, without retrying', async () => {
    const server = await startServer((_req, res) => res.end(mp4Bytes(1024)));
    const dest = join(scratch.dir, 'out', 'shot.mp4');
    await mkdir(`${dest}.part`, { recursive: true }); // the .part path cannot be opened as a file
    const error = await promiseError(makeClient().download(request(`${server.url}/v.mp4`, { dest })));
    expect(error).not.toBeInstanceOf(HttpError);
    expect((error as NodeJS.ErrnoException).code).toBe('EISDIR');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write(mp4Bytes(1024));
    });
    const error = await failure(makeClient().download(request(`${server.url}/v.mp4`, { signal: AbortSignal.timeout(150) })));
    expect(error.code).toBe('VIDEOGEN_ABORTED');
    expect(await leftovers()).toEqual([]);
  });
});

describe('download: redirects', () => {
  const credentials = { Authorization: 'Bearer sk-test-SECRET-abc123', 'X-Api-Key': 'hg-key-123456', Cookie: 'session=abc' };

  it('drops the credentials when a redirect leaves the origin', async () => {
    const bytes = mp4Bytes(2048);
    const cdn = await startServer((_req, res) => res.end(bytes));
    const api = await startServer((_req, res) => res.writeHead(302, { location: `${cdn.url}/signed/v.mp4?sig=x` }).end());
    const file = await makeClient().download(request(`${api.url}/v1/videos/1/content`, { headers: { ...credentials, 'X-Trace': 't1' } }));
    expect(file.sha256).toBe(sha256(bytes));
    expect(api.requests[0]?.headers['authorization']).toBe(credentials.Authorization);
    const seen = cdn.requests[0]?.headers ?? {};
    expect(seen['authorization']).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen['cookie']).toBeUndefined();
    expect(seen['x-trace']).toBe('t1');
  });

  it("drops an `auth` credential under any header name and scheme (fal's `Authorization: Key`) when a redirect leaves the origin", async () => {
    const bytes = mp4Bytes(2048);
    const cdn = await startServer((_req, res) => res.end(bytes));
    const api = await startServer((_req, res) => res.writeHead(302, { location: `${cdn.url}/files/out.mp4` }).end());
    const auth = { Authorization: 'Key fal-key-id:fal-key-SECRET-0123' };
    await makeClient().download(request(`${api.url}/fal-ai/veo3.1/requests/1`, { auth }));
    expect(api.requests[0]?.headers['authorization']).toBe(auth.Authorization);
    expect(cdn.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('keeps the credentials on a same-origin redirect', async () => {
    const bytes = mp4Bytes(2048);
    const api = await startServer((req, res) => {
      if (req.url === '/v1/videos/1/content') return void res.writeHead(307, { location: '/files/1.mp4' }).end();
      res.end(bytes);
    });
    await makeClient().download(request(`${api.url}/v1/videos/1/content`, { headers: credentials }));
    expect(api.requests.map((r) => r.url)).toEqual(['/v1/videos/1/content', '/files/1.mp4']);
    expect(api.requests[1]?.headers['authorization']).toBe(credentials.Authorization);
    expect(api.requests[1]?.headers['x-api-key']).toBe(credentials['X-Api-Key']);
  });

  it('gives up after 5 redirects', async () => {
    let n = 0;
    const loop = await startServer((_req, res) => res.writeHead(302, { location: `/hop/${++n}` }).end());
    const error = await failure(makeClient().download(request(`${loop.url}/start`)));
    expect(error.code).toBe('VIDEOGEN_HTTP_BAD_RESPONSE');
    expect(error.message).toContain('more than 5 redirects');
    expect(loop.requests).toHaveLength(6);
    expect(await leftovers()).toEqual([]);
  });
});
