/**
 * The HTTP client against answers found by the hostile-server suite: a Retry-After of a
 * year, a JSON body trickling in a byte at a time, videos whose length header lies or is
 * missing and whose body stops early. Each must end quickly, in the right error, with
 * nothing left on disk.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { useScratch } from './helpers/scratch.js';

const VIDEO = readFileSync(new URL('../assets/videos/16x9.mp4', import.meta.url));
const YEAR_MS = 365 * 24 * 3600 * 1000;

const scratch = useScratch('videogen-http-hostile-');

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  const { url, close } = await listenOnLoopback(server);
  scratch.defer(close);
  return { url, hits: () => hits };
}

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const http = new HttpClient({ retryPolicy: { baseDelayMs: 5, capDelayMs: 20, maxAttempts: 3 }, ...options });
  scratch.defer(() => http.close());
  return http;
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('a Retry-After longer than videogen waits', () => {
  for (const [label, header] of [
    ['seconds', String(YEAR_MS / 1000)],
    ['an HTTP date', new Date(Date.now() + YEAR_MS).toUTCString()],
  ] as const) {
    it(`(${label}) fails at once, says so, and carries the wait it asked for`, async () => {
      const server = await serve((_req, res) => {
        res.writeHead(429, { 'retry-after': header, 'content-type': 'application/json' });
        res.end('{"error":{"message":"Quota exceeded"}}');
      });
      for (const retry of ['submit', 'idempotent'] as const) {
        const started = Date.now();
        const error = await rejection(
          client().request({ method: retry === 'submit' ? 'POST' : 'GET', url: `${server.url}/v1/videos`, retry, json: {}, purpose: 'submit x' }),
        );
        expect(Date.now() - started).toBeLessThan(1000);
        expect(error.kind).toBe('rate_limit');
        expect(error.retryAfterMs).toBeGreaterThan(YEAR_MS - 5000);
        expect(error.message).toMatch(/asked to be retried in \d+h\d\dm, longer than videogen waits \(5m00s\)/);
      }
      expect(server.hits()).toBe(2);
    });
  }

  it('a short Retry-After is honoured and not mentioned', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after-ms': '10' });
      res.end();
    });
    const error = await rejection(client().request({ method: 'GET', url: server.url, retry: 'idempotent' }));
    expect(server.hits()).toBe(3);
    expect(error.retryAfterMs).toBe(10);
    expect(error.message).not.toMatch(/longer than videogen waits/);
  });
});

describe('a JSON answer that trickles in', () => {
  const trickle = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const text = `{"status":"in_progress","padding":"${'x'.repeat(500)}"}`;
    let at = 0;
    const timer = setInterval(() => (at < text.length && !res.destroyed ? res.write(text[at++]) : clearInterval(timer)), 20);
    res.on('close', () => clearInterval(timer));
  };

  it('is a body timeout once the whole-body deadline passes, retried for a GET', async () => {
    const server = await serve(trickle);
    const started = Date.now();
    const error = await rejection(client({ responseBodyDeadlineMs: 200 }).request({ method: 'GET', url: server.url, retry: 'idempotent', purpose: 'poll x' }));
    expect(error.code).toBe('VIDEOGEN_HTTP_TIMEOUT');
    expect(error.message).toMatch(/body timeout/);
    expect(server.hits()).toBe(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('is not retried for a submit (the job may exist)', async () => {
    const server = await serve(trickle);
    const error = await rejection(client({ responseBodyDeadlineMs: 200 }).request({ method: 'POST', url: server.url, json: {}, retry: 'submit' }));
    expect(error.code).toBe('VIDEOGEN_HTTP_TIMEOUT');
    expect(server.hits()).toBe(1);
  });
});

describe('a video whose body stops early without the length saying so', () => {
  async function download(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    const server = await serve(handler);
    const dest = join(scratch.dir, 'out', 'shot.mp4');
    const error = await rejection(client().download({ url: `${server.url}/v.mp4`, dest, maxBytes: 1 << 30, timeoutMs: 5000 }));
    return { error, hits: server.hits(), left: await readdir(join(scratch.dir, 'out')) };
  }

  it('a Content-Length smaller than the video: TRUNCATED after retries, nothing on disk', async () => {
    const { error, hits, left } = await download((req) => {
      req.socket.write(`HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${VIDEO.length - 1000}\r\nconnection: close\r\n\r\n`);
      req.socket.end(VIDEO);
    });
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TRUNCATED');
    expect(error.message).toMatch(/inside an MP4 box that runs to byte \d+: the video is cut off/);
    // Retried until the download's deadline, not a fixed number of times.
    expect(hits).toBeGreaterThanOrEqual(3);
    expect(left).toEqual([]);
  });

  it('a body without a length, closed early: TRUNCATED, nothing on disk', async () => {
    const { error, left } = await download((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\nconnection: close\r\n\r\n');
      req.socket.end(VIDEO.subarray(0, VIDEO.length - 300));
    });
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_TRUNCATED');
    expect(left).toEqual([]);
  });

  it('an MP4 header followed by zeros is not an MP4, and is not retried', async () => {
    const { error, hits, left } = await download((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.end(Buffer.concat([VIDEO.subarray(0, 32), Buffer.alloc(4096)]));
    });
    expect(error.code).toBe('VIDEOGEN_DOWNLOAD_NOT_MP4');
    expect(hits).toBe(1);
    expect(left).toEqual([]);
  });

  it('the same video, sent honestly without a length, is accepted', async () => {
    const server = await serve((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\nconnection: close\r\n\r\n');
      req.socket.end(VIDEO);
    });
    const file = await client().download({ url: `${server.url}/v.mp4`, dest: join(scratch.dir, 'ok.mp4'), maxBytes: 1 << 30, timeoutMs: 5000 });
    expect(file.bytes).toBe(VIDEO.length);
  });
});
