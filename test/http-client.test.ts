import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../src/http/client.js';
import { HttpError } from '../src/http/errors.js';
import type { RetryNotice } from '../src/http/types.js';
import { listenOnLoopback, type LoopbackListener } from './helpers/loopback.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

interface TestServer extends LoopbackListener {
  connections: number;
  requests: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: string[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      handler(req, res, Buffer.concat(chunks));
    });
  });
  server.on('connection', () => connections++);
  const state: TestServer = {
    ...(await listenOnLoopback(server, port)),
    requests,
    get connections() {
      return connections;
    },
  };
  cleanups.push(state.close);
  return state;
}

function makeClient(options: HttpClientOptions = {}): HttpClient {
  const client = new HttpClient({
    retryPolicy: { baseDelayMs: 5, capDelayMs: 20, maxAttempts: 4 },
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

async function freePort(): Promise<number> {
  const { port, close } = await listenOnLoopback(createServer());
  await close();
  return port;
}

describe('HttpClient: JSON and keep-alive', () => {
  it('sends JSON and parses the JSON answer', async () => {
    const server = await startServer((req, res, body) =>
      json(res, 201, { method: req.method, contentType: req.headers['content-type'], got: JSON.parse(body.toString()) }, {
        'x-request-id': 'req_rt',
      }),
    );
    const client = makeClient();
    const res = await client.request<{ method: string; contentType: string; got: unknown }>({
      method: 'POST',
      url: `${server.url}/v1/videos`,
      json: { model: 'sora-2', prompt: 'hi' },
      retry: 'submit',
    });
    expect(res.status).toBe(201);
    expect(res.requestId).toBe('req_rt');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ method: 'POST', contentType: 'application/json', got: { model: 'sora-2', prompt: 'hi' } });
  });

  it('answers null for an empty body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await makeClient().request({ method: 'DELETE', url: `${server.url}/v1/videos/x`, retry: 'idempotent' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('reuses one connection for many sequential requests, error answers included', async () => {
    let n = 0;
    const server = await startServer((_req, res) => (++n % 5 === 0 ? json(res, 404, { message: 'nope' }) : json(res, 200, { n })));
    const client = makeClient();
    for (let i = 0; i < 30; i++) {
      await client.request({ method: 'GET', url: `${server.url}/v1/videos/${i}`, retry: 'none' }).catch(() => {});
    }
    expect(server.requests).toHaveLength(30);
    expect(server.connections).toBe(1);
  });

  it('uploads FormData as multipart with a length', async () => {
    const server = await startServer((req, res, body) => {
      void new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().then(async (form) => {
        const file = form.get('file') as File;
        json(res, 200, {
          length: req.headers['content-length'],
          model: form.get('model'),
          file: { name: file.name, type: file.type, text: await file.text() },
        });
      });
    });
    const form = new FormData();
    form.append('model', 'sora-2');
    form.append('file', new Blob(['PNGDATA'], { type: 'image/png' }), 'ref.png');
    const res = await makeClient().request<Record<string, unknown>>({ method: 'POST', url: `${server.url}/v3/assets`, form, retry: 'none' });
    expect(res.body).toMatchObject({ model: 'sora-2', file: { name: 'ref.png', type: 'image/png', text: 'PNGDATA' } });
    expect(Number(res.body['length'])).toBeGreaterThan(0);
  });
});

describe('HttpClient: retries', () => {
  it.each(['idempotent', 'submit'] as const)('retries a 429 then succeeds (%s)', async (retry) => {
    let calls = 0;
    const server = await startServer((_req, res) =>
      ++calls === 1 ? json(res, 429, { error: { message: 'slow down' } }, { 'retry-after-ms': '10' }) : json(res, 200, { ok: true }),
    );
    const notices: Array<RetryNotice & { purpose?: string }> = [];
    const client = makeClient({ onRetry: (n) => notices.push(n) });
    const res = await client.request({ method: 'POST', url: `${server.url}/v1/videos`, json: {}, retry, purpose: 'submit shot-a' });
    expect(res.body).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(notices).toEqual([{ attempt: 1, delayMs: 10, reason: 'HTTP 429', purpose: 'submit shot-a' }]);
  });

  it('retries a 500 for an idempotent GET up to maxAttempts', async () => {
    const server = await startServer((_req, res) => json(res, 500, { error: { message: 'boom' } }));
    const error = await failure(makeClient().request({ method: 'GET', url: `${server.url}/v1/videos/1`, retry: 'idempotent' }));
    expect(server.requests).toHaveLength(4);
    expect(error.code).toBe('VIDEOGEN_HTTP_SERVER');
    expect(error.message).toContain('after 4 attempts');
  });

  it('never repeats a submit that got a 500 (the job may exist)', async () => {
    const server = await startServer((_req, res) => json(res, 500, { error: { message: 'boom' } }));
    const error = await failure(makeClient().request({ method: 'POST', url: `${server.url}/v1/videos`, json: {}, retry: 'submit' }));
    expect(server.requests).toEqual(['POST /v1/videos']);
    expect(error.status).toBe(500);
  });

  it('does not let x-should-retry: true repeat a submit', async () => {
    const server = await startServer((_req, res) => json(res, 500, {}, { 'x-should-retry': 'true' }));
    await failure(makeClient().request({ method: 'POST', url: `${server.url}/v1/videos`, json: {}, retry: 'submit' }));
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 with Retry-After for a submit, but not one without', async () => {
    let calls = 0;
    const withHeader = await startServer((_req, res) =>
      ++calls === 1 ? json(res, 503, {}, { 'retry-after': '0' }) : json(res, 200, { id: 'job' }),
    );
    const client = makeClient();
    await expect(client.request({ method: 'POST', url: `${withHeader.url}/v1/videos`, json: {}, retry: 'submit' })).resolves.toMatchObject({
      body: { id: 'job' },
    });
    const without = await startServer((_req, res) => json(res, 503, {}));
    await failure(client.request({ method: 'POST', url: `${without.url}/v1/videos`, json: {}, retry: 'submit' }));
    expect(without.requests).toHaveLength(1);
  });

  it('fails fast when Retry-After asks for a year', async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { 'retry-after': String(365 * 86400) }));
    const started = Date.now();
    const error = await failure(makeClient().request({ method: 'GET', url: `${server.url}/x`, retry: 'idempotent' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('VIDEOGEN_HTTP_RATE_LIMIT');
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a submit whose connection was reset after the server read it', async () => {
    const server = await startServer((req) => req.socket.destroy());
    const error = await failure(makeClient().request({ method: 'POST', url: `${server.url}/v1/videos`, json: { a: 1 }, retry: 'submit' }));
    expect(server.requests).toEqual(['POST /v1/videos']);
    expect(error.kind).toBe('network');
    expect(error.code).toBe('VIDEOGEN_HTTP_NETWORK');
  });

  it('does retry an idempotent request whose connection was reset', async () => {
    let calls = 0;
    const server = await startServer((req, res) => (++calls < 3 ? req.socket.destroy() : json(res, 200, { ok: 1 })));
    const res = await makeClient().request({ method: 'GET', url: `${server.url}/v1/videos/1`, retry: 'idempotent' });
    expect(res.body).toEqual({ ok: 1 });
    expect(calls).toBe(3);
  });

  it('retries a submit whose connection was refused, all the way to maxAttempts', async () => {
    const port = await freePort();
    const notices: RetryNotice[] = [];
    const client = makeClient({ onRetry: (n) => notices.push(n) });
    const error = await failure(client.request({ method: 'POST', url: `http://127.0.0.1:${port}/v1/videos`, json: {}, retry: 'submit' }));
    expect(notices.map((n) => [n.attempt, n.reason])).toEqual([
      [1, 'ECONNREFUSED'],
      [2, 'ECONNREFUSED'],
      [3, 'ECONNREFUSED'],
    ]);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('after 4 attempts');
  });

  it('reaches a server that comes up after a refused first attempt', async () => {
    const port = await freePort();
    let server: Promise<TestServer> | undefined;
    const client = makeClient({
      random: () => 1,
      retryPolicy: { baseDelayMs: 150, capDelayMs: 150, maxAttempts: 5 },
      onRetry: () => {
        server ??= startServer((_req, res) => json(res, 200, { created: true }), port);
      },
    });
    const res = await client.request({ method: 'POST', url: `http://127.0.0.1:${port}/v1/videos`, json: {}, retry: 'submit' });
    expect(res.body).toEqual({ created: true });
    expect((await server)?.requests).toEqual(['POST /v1/videos']);
  });

  it('never retries mode none', async () => {
    const server = await startServer((_req, res) => json(res, 429, {}));
    await failure(makeClient().request({ method: 'POST', url: `${server.url}/v3/assets`, json: {}, retry: 'none' }));
    expect(server.requests).toHaveLength(1);
  });
});

describe('HttpClient: timeouts and aborts', () => {
  it('times out waiting for headers, and a submit is not repeated', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const client = makeClient({ headersTimeoutMs: 200 });
    const started = Date.now();
    const error = await failure(client.request({ method: 'POST', url: `${server.url}/v1/videos`, json: {}, retry: 'submit' }));
    expect(error.kind).toBe('timeout');
    expect(error.code).toBe('VIDEOGEN_HTTP_TIMEOUT');
    expect(error.message).toContain('headers timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('returns promptly when aborted during a retry sleep', async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { 'retry-after': '60' }));
    const controller = new AbortController();
    const client = makeClient({ onRetry: () => setTimeout(() => controller.abort(), 50) });
    const started = Date.now();
    const error = await failure(client.request({ method: 'GET', url: `${server.url}/x`, retry: 'idempotent', signal: controller.signal }));
    expect(error.code).toBe('VIDEOGEN_ABORTED');
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('returns promptly when aborted while waiting for an answer', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const signal = AbortSignal.timeout(100);
    const error = await failure(makeClient().request({ method: 'GET', url: `${server.url}/x`, retry: 'idempotent', signal }));
    expect(error.code).toBe('VIDEOGEN_ABORTED');
    expect(server.requests).toHaveLength(1);
  });

  it('puts one listener on a signal shared by many requests in flight, and none once they are done', async () => {
    const held: ServerResponse[] = [];
    const server = await startServer((_req, res) => held.push(res));
    const controller = new AbortController();
    const client = makeClient();
    const requests = Array.from({ length: 20 }, (_, i) => client.request({ method: 'GET', url: `${server.url}/${i}`, retry: 'idempotent', signal: controller.signal }));
    await expect.poll(() => held.length).toBe(20);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const res of held) json(res, 200, {});
    await Promise.all(requests);
    // The shared listener stays (one, whatever comes next); the requests' own are gone with them.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
  });

  it('does not start when the signal is already aborted', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));
    await failure(makeClient().request({ method: 'GET', url: `${server.url}/x`, retry: 'idempotent', signal: AbortSignal.abort() }));
    expect(server.requests).toHaveLength(0);
  });
});

describe('HttpClient: error mapping', () => {
  it.each([
    [401, 'VIDEOGEN_HTTP_AUTH', 'auth'],
    [402, 'VIDEOGEN_HTTP_CREDIT', 'credit'],
    [403, 'VIDEOGEN_HTTP_AUTH', 'auth'],
    [404, 'VIDEOGEN_HTTP_CLIENT', 'client'],
    [500, 'VIDEOGEN_HTTP_SERVER', 'server'],
  ])('maps %i with the provider message and request id', async (status, code, kind) => {
    const server = await startServer((_req, res) =>
      json(res, status, { error: { code: 'some_code', message: `provider says ${status}` } }, { 'X-Request-Id': `req_${status}` }),
    );
    const error = await failure(
      makeClient().request({
        method: 'POST',
        url: `${server.url}/v1/workflows/executions?debug=1`,
        json: {},
        retry: 'submit',
        purpose: 'submit coastal-city',
        apiKeyEnv: 'HEYGEN_API_KEY',
      }),
    );
    expect(error.code).toBe(code);
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe(`req_${status}`);
    expect(error.message).toBe(
      `submit coastal-city: HTTP ${status} from ${server.url}/v1/workflows/executions: provider says ${status} [some_code] (request id req_${status})`,
    );
    if (kind === 'auth') expect(error.hint).toContain('$HEYGEN_API_KEY');
  });

  it('rejects a 200 that is not JSON', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx</body></html>');
    });
    const error = await failure(makeClient().request({ method: 'GET', url: `${server.url}/v1/videos/1`, retry: 'idempotent' }));
    expect(error.code).toBe('VIDEOGEN_HTTP_BAD_RESPONSE');
    expect(error.message).toContain('not JSON (text/html)');
    expect(server.requests).toHaveLength(1);
  });

  it('stops reading a streamed 50 MB JSON answer at the cap', async () => {
    let written = 0;
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"pad":"');
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end('"}');
      };
      pump();
    });
    const client = makeClient({ maxResponseBytes: 1024 * 1024 });
    const before = process.memoryUsage().rss;
    const error = await failure(client.request({ method: 'GET', url: `${server.url}/v1/videos`, retry: 'idempotent' }));
    expect(error.code).toBe('VIDEOGEN_HTTP_BAD_RESPONSE');
    expect(error.message).toContain('more than 1048576 bytes');
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    // The client hung up long before the server could push it all.
    expect(written).toBeLessThan(total);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a declared Content-Length over the cap without reading it', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
      res.write('{');
    });
    const error = await failure(
      makeClient({ maxResponseBytes: 1024 }).request({ method: 'GET', url: `${server.url}/v1/videos`, retry: 'idempotent' }),
    );
    expect(error.code).toBe('VIDEOGEN_HTTP_BAD_RESPONSE');
  });
});

describe('HttpClient: redaction', () => {
  const KEY = 'sk-test-SECRET-abc123';

  function everythingSaidAbout(error: unknown): string {
    const e = error as Error;
    return [e.message, String(e), e.stack, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })].join('\n');
  }

  it('never shows a key the server echoes back, in any rendering of the error', async () => {
    const server = await startServer((req, res) =>
      json(res, 401, {
        error: { message: `Incorrect API key provided: ${req.headers['authorization']} / ${req.headers['x-api-key']}` },
      }),
    );
    const client = makeClient();
    const error = await failure(
      client.request({
        method: 'POST',
        url: `${server.url}/v1/videos`,
        headers: { Authorization: `Bearer ${KEY}`, 'X-Api-Key': 'hgkey-PLAIN-987654' },
        json: {},
        retry: 'submit',
      }),
    );
    const said = everythingSaidAbout(error);
    expect(said).toContain('Incorrect API key provided');
    expect(said).toContain('[REDACTED]');
    expect(said).not.toContain(KEY);
    expect(said).not.toContain('SECRET');
    expect(said).not.toContain('hgkey-PLAIN-987654');
  });

  it('keeps the key out of transport errors and their causes', async () => {
    const server = await startServer((req) => req.socket.destroy());
    const client = makeClient({ secrets: [KEY] });
    const error = await failure(
      client.request({ method: 'POST', url: `${server.url}/v1/videos`, headers: { Authorization: `Bearer ${KEY}` }, json: {}, retry: 'submit' }),
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(everythingSaidAbout(error)).not.toContain(KEY);
  });

  it('redacts registered secrets even when the server rewrites them', async () => {
    const server = await startServer((_req, res) => json(res, 400, { message: 'your key plainkey1234 is malformed' }));
    const client = makeClient();
    client.addSecret('plainkey1234');
    const error = await failure(client.request({ method: 'GET', url: `${server.url}/x`, retry: 'none' }));
    expect(error.message).toContain('your key [REDACTED] is malformed');
  });
});

describe('HttpClient: retryWaitSignal', () => {
  it('ends the wait between submit attempts at once, with the last refusal, and never cuts an attempt short', async () => {
    const server = await startServer((_req, res) => json(res, 429, { error: { message: 'busy' } }, { 'retry-after': '30' }));
    const client = makeClient();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const started = Date.now();
    const error = await failure(
      client.request({ method: 'POST', url: `${server.url}/v1/videos`, json: { prompt: 'x' }, retry: 'submit', retryWaitSignal: stop.signal }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.kind).toBe('rate_limit');
    expect(server.requests).toEqual(['POST /v1/videos']);
  });
});

describe('HttpClient: endpoints that answer with an error status', () => {
  it('returns a listed status as the answer, headers and parsed body included, without retrying it', async () => {
    const server = await startServer((_req, res) =>
      json(res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'flagged', type: 'content_policy_violation' }] }, { 'x-fal-retryable': 'false' }),
    );
    const answer = await makeClient().request<{ detail: unknown[] }>({ method: 'GET', url: `${server.url}/r`, retry: 'idempotent', answerStatuses: [422, 500] });
    expect(answer.status).toBe(422);
    expect(answer.headers['x-fal-retryable']).toBe('false');
    expect(answer.body.detail).toEqual([{ loc: ['body', 'prompt'], msg: 'flagged', type: 'content_policy_violation' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps a non-JSON answer as text, scrubbed of the key, and still fails and retries unlisted statuses', async () => {
    let calls = 0;
    const server = await startServer((req, res) => {
      calls += 1;
      if (calls === 1) return json(res, 503, { detail: 'busy' });
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`runner crashed for ${req.headers['authorization']}`);
    });
    const answer = await makeClient().request<string>({
      method: 'GET',
      url: `${server.url}/r`,
      auth: { Authorization: 'Key fal-key-SECRET-123456' },
      retry: 'idempotent',
      answerStatuses: [500],
    });
    expect(server.requests).toHaveLength(2);
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('runner crashed for [REDACTED]');
  });
});

describe('HttpClient: raw bytes', () => {
  it('sends the bytes as they are, with their content type and length', async () => {
    let seen: { type?: string; length?: string; body?: Buffer } = {};
    const server = await startServer((req, res, body) => {
      seen = { type: req.headers['content-type'], length: req.headers['content-length'], body };
      res.writeHead(200).end();
    });
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).subarray(2);
    await makeClient().request({ method: 'PUT', url: `${server.url}/upload`, bytes: { data, contentType: 'image/png' }, retry: 'idempotent' });
    expect(seen.type).toBe('image/png');
    expect(seen.length).toBe('6');
    expect(seen.body?.equals(Buffer.from([0x4e, 0x47, 0, 1, 2, 3]))).toBe(true);
  });
});
