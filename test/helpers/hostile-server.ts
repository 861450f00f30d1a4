/**
 * A scriptable fake video provider for hostile-server tests: two `node:http` servers on
 * loopback, "provider" (the API at the manifest's base_url) and "elsewhere" (another host:
 * HeyGen's temporary video URLs, redirect targets). It speaks just enough of the
 * OpenAI-compatible `/v1/videos` API and HeyGen's workflow API to get one job submitted,
 * and then misbehaves however the scenario says. Every request to either server is
 * recorded with its headers, so a test can prove the key never left the provider's host.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export type FakeApi = 'openai-videos' | 'heygen';
export type HostName = 'provider' | 'elsewhere';

export interface SeenRequest {
  host: HostName;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeContext {
  api: FakeApi;
  jobId: string;
  providerUrl: string;
  elsewhereUrl: string;
}

/** Answers one request. It owns `res` (or the raw socket) from here on. */
export type Responder = (req: IncomingMessage, res: ServerResponse, ctx: FakeContext) => void;

export interface FakeProviderScript {
  api: FakeApi;
  /** The job-creating POST. Default: accepted, with a job id. */
  submit?: Responder;
  /** The n-th status poll (1-based). Default: completed. */
  poll?: (n: number) => Responder;
  /**
   * The video: OpenAI's `GET /v1/videos/:id/content` on the provider, HeyGen's temporary
   * URL on the other host. Default: a good MP4.
   */
  content?: Responder;
  /** Any other request to the other host (redirect targets). Default: a good MP4. */
  elsewhere?: Responder;
}

export interface FakeProvider {
  /** What goes in the manifest's `base_url` (with `/v1` for OpenAI-compatible). */
  baseUrl: string;
  providerUrl: string;
  elsewhereUrl: string;
  jobId: string;
  requests: SeenRequest[];
  count(host: HostName, method: string, pathPrefix: string): number;
  /** Swap the script mid-test (a later apply against a provider that has recovered). */
  rescript(script: Partial<Omit<FakeProviderScript, 'api'>>): void;
  close(): Promise<void>;
}

/** A real, playable MP4 (the emulator's 16:9 asset). */
export const GOOD_MP4: Buffer = readFileSync(new URL('../../assets/videos/16x9.mp4', import.meta.url));

const OPENAI_JOB_ID = 'video_hostile_0001';
const HEYGEN_JOB_ID = 'exec-hostile-0001';

export async function startFakeProvider(script: FakeProviderScript): Promise<FakeProvider> {
  const requests: SeenRequest[] = [];
  const current: FakeProviderScript = { ...script };
  const polls = { n: 0 };
  const submitted: string[] = [];
  const sockets = new Set<Socket>();
  const jobId = script.api === 'heygen' ? HEYGEN_JOB_ID : OPENAI_JOB_ID;
  const ctx: FakeContext = { api: script.api, jobId, providerUrl: '', elsewhereUrl: '' };

  const provider = await listen('provider', requests, sockets, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!hasKey(req, script.api)) return json(401, { error: { message: 'missing key' } })(req, res, ctx);
    if (script.api === 'openai-videos') {
      if (req.method === 'POST' && path === '/v1/videos') {
        return drain(req, (body) => {
          submitted.push(body);
          (current.submit ?? accepted())(req, res, ctx);
        });
      }
      // The account's videos: the one job, once something was submitted (whatever the submit answered).
      if (req.method === 'GET' && path === '/v1/videos') {
        const data = submitted.length > 0 ? [{ ...videoObject(ctx, 'queued'), prompt: promptOf(submitted[0]) }] : [];
        return json(200, { object: 'list', data, has_more: false, ...(data.length ? { last_id: jobId } : {}) })(req, res, ctx);
      }
      if (req.method === 'GET' && path === `/v1/videos/${jobId}/content`) return (current.content ?? goodVideo())(req, res, ctx);
      if (req.method === 'GET' && path === `/v1/videos/${jobId}`) return (current.poll?.(++polls.n) ?? status('completed'))(req, res, ctx);
    } else {
      if (req.method === 'POST' && path === '/v1/workflows/executions') {
        return drain(req, (body) => {
          submitted.push(body);
          (current.submit ?? accepted())(req, res, ctx);
        });
      }
      if (req.method === 'GET' && path === `/v1/workflows/executions/${jobId}`) {
        return (current.poll?.(++polls.n) ?? status('completed'))(req, res, ctx);
      }
    }
    json(404, { error: { message: `no route ${req.method} ${path}` } })(req, res, ctx);
  });

  const elsewhere = await listen('elsewhere', requests, sockets, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (script.api === 'heygen' && path === heygenVideoPath(jobId)) return (current.content ?? goodVideo())(req, res, ctx);
    (current.elsewhere ?? goodVideo())(req, res, ctx);
  });

  ctx.providerUrl = provider.url;
  ctx.elsewhereUrl = elsewhere.url;
  return {
    baseUrl: script.api === 'openai-videos' ? `${provider.url}/v1` : provider.url,
    providerUrl: provider.url,
    elsewhereUrl: elsewhere.url,
    jobId,
    requests,
    count: (host, method, pathPrefix) =>
      requests.filter((r) => r.host === host && r.method === method && r.url.startsWith(pathPrefix)).length,
    rescript(next) {
      Object.assign(current, next);
      polls.n = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([provider.close(), elsewhere.close()]);
    },
  };
}

function heygenVideoPath(jobId: string): string {
  return `/videos/${jobId}.mp4`;
}

function hasKey(req: IncomingMessage, api: FakeApi): boolean {
  if (api === 'heygen') return typeof req.headers['x-api-key'] === 'string' && req.headers['x-api-key'] !== '';
  return /^Bearer \S+/.test(req.headers.authorization ?? '');
}

async function listen(
  host: HostName,
  requests: SeenRequest[],
  sockets: Set<Socket>,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    requests.push({ host, method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    handle(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that hangs up mid-response is the point of several scenarios, not an error.
  server.on('clientError', (_error, socket) => socket.destroy());
  return listenOnLoopback(server);
}

function drain(req: IncomingMessage, then: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => then(Buffer.concat(chunks).toString('utf8')));
}

function promptOf(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { prompt?: unknown };
    return typeof parsed.prompt === 'string' ? parsed.prompt : undefined;
  } catch {
    return undefined;
  }
}

/** Writes unless the client has gone; a destroyed response is the normal end of a hostile body. */
function alive(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

// ---- responders ----------------------------------------------------------------------

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
}

export function text(statusCode: number, body: string, contentType: string): Responder {
  return (_req, res) => {
    res.writeHead(statusCode, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** The job was created: the answer each API gives to its submitting POST. */
export function accepted(): Responder {
  return (req, res, ctx) =>
    json(200, ctx.api === 'heygen' ? { data: { execution_id: ctx.jobId, status: 'submitted' } } : videoObject(ctx, 'queued'))(req, res, ctx);
}

export type FakeJobState = 'queued' | 'running' | 'completed' | 'failed';

/** A status answer in the API's own shape; HeyGen's `completed` hands out a signed URL on the other host. */
export function status(state: FakeJobState, headers: Record<string, string> = {}): Responder {
  return (req, res, ctx) => {
    if (ctx.api === 'openai-videos') return json(200, videoObject(ctx, state), headers)(req, res, ctx);
    const data: Record<string, unknown> = { execution_id: ctx.jobId, status: state === 'queued' ? 'submitted' : state };
    if (state === 'running') data.progress = 40;
    if (state === 'completed') {
      data.output = {
        video: { video_id: 'vid-hostile', video_url: `${ctx.elsewhereUrl}${heygenVideoPath(ctx.jobId)}?X-Amz-Signature=deadbeef` },
      };
    }
    if (state === 'failed') data.error = { code: 'content_policy', message: 'the prompt was refused' };
    json(200, { data }, headers)(req, res, ctx);
  };
}

function videoObject(ctx: FakeContext, state: FakeJobState): Record<string, unknown> {
  const video: Record<string, unknown> = {
    id: ctx.jobId,
    object: 'video',
    model: 'sora-2',
    status: state === 'running' ? 'in_progress' : state,
    progress: state === 'completed' ? 100 : state === 'running' ? 40 : 0,
    created_at: Math.floor(Date.now() / 1000),
    seconds: '4',
    size: '1280x720',
  };
  if (state === 'failed') video.error = { code: 'moderation_blocked', message: 'the prompt was refused' };
  return video;
}

export function goodVideo(): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': GOOD_MP4.length });
    res.end(GOOD_MP4);
  };
}

export function redirect(to: (ctx: FakeContext, req: IncomingMessage) => string, statusCode = 302): Responder {
  return (req, res, ctx) => {
    res.writeHead(statusCode, { location: to(ctx, req), 'content-length': 0 });
    res.end();
  };
}

/**
 * A well-formed MP4 start (ftyp, then an `mdat` of size 0, which runs to the end of the
 * file) followed by bytes forever, throttled so the disk is not the bottleneck. Nothing in
 * the bytes gives it away: only a clock or a size cap can stop it.
 */
export function endlessBody(): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    res.write(Buffer.concat([GOOD_MP4.subarray(0, 32), Buffer.from([0, 0, 0, 0]), Buffer.from('mdat', 'latin1')]));
    const chunk = Buffer.alloc(64 * 1024, 0);
    const timer = setInterval(() => (alive(res) ? res.write(chunk) : clearInterval(timer)), 5);
    res.on('close', () => clearInterval(timer));
  };
}

/**
 * The headers promise `declared` bytes and the body carries `sent`, then the connection
 * ends. Written to the raw socket: node's own framing would refuse to lie.
 */
export function lyingLength(declared: number, body: Buffer): Responder {
  return (req) => {
    const socket = req.socket;
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${declared}\r\nconnection: close\r\n\r\n`);
    socket.end(body);
  };
}

/** A 200 with no Content-Length and no chunking: the body ends when the connection does, here too early. */
export function closeDelimited(body: Buffer): Responder {
  return (req) => {
    const socket = req.socket;
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\nconnection: close\r\n\r\n');
    socket.end(body);
  };
}

/** The real video, one byte every `intervalMs`. */
export function slowLoris(intervalMs = 1000): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': GOOD_MP4.length });
    let at = 0;
    const timer = setInterval(() => {
      if (!alive(res) || at >= GOOD_MP4.length) return clearInterval(timer);
      res.write(GOOD_MP4.subarray(at, at + 1));
      at++;
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Headers and then nothing, ever. */
export function hang(): Responder {
  return () => {};
}

/**
 * A JSON document of `bytes` bytes, streamed chunked (no Content-Length to refuse it by):
 * a status object whose `padding` string never seems to end. `meter.mostSent` records the
 * most any one response got to send before the client hung up.
 */
export function hugeJson(bytes: number, meter?: { mostSent: number }): Responder {
  return (_req, res) => {
    if (meter) res.on('close', () => (meter.mostSent = Math.max(meter.mostSent, sent)));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"in_progress","padding":"');
    const chunk = Buffer.alloc(256 * 1024, 0x78);
    let sent = 0;
    const pump = (): void => {
      while (alive(res) && sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (alive(res)) res.end('"}');
    };
    pump();
  };
}
