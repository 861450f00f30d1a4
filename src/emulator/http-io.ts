import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { extend } from '../util/extend.js';

/** A body too big to hold in memory: its length up front, its bytes on demand. */
export interface BodyStream {
  size: number;
  open(): Readable;
}

/** What a route answers; the server writes it, possibly sabotaged by a fault. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | BodyStream;
  /** A video download: subject to truncation faults. */
  video?: boolean;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  };
}

export function withHeaders(response: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return extend(response, { headers: extend(response.headers, headers) });
}

export type BodyReadResult = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/** Reads a request body, giving up (and discarding the rest) beyond `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        req.off('data', onData);
        req.resume();
        resolve({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ ok: true, bytes: Buffer.concat(chunks) }));
    req.once('error', () => resolve({ ok: false, reason: 'aborted' }));
    req.once('aborted', () => resolve({ ok: false, reason: 'aborted' }));
  });
}

export type JsonReadResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; reason: 'too_large' | 'aborted' | 'invalid_json' | 'not_object' };

/** A request body that must be one JSON object; each API words the failures its own way. */
export async function readJsonObject(req: IncomingMessage, maxBytes: number): Promise<JsonReadResult> {
  const read = await readBody(req, maxBytes);
  if (!read.ok) return read;
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not_object' };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * A sabotaged response: headers with the full Content-Length, `fraction` of the body,
 * then the connection is reset (`drop`, a TCP RST) or closed early (`truncate`).
 */
export interface ResponseFault {
  kind: 'drop' | 'truncate';
  fraction: number;
}

export async function sendResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: EmulatorResponse,
  fault?: ResponseFault,
): Promise<void> {
  const size = Buffer.isBuffer(response.body) ? response.body.length : response.body.size;
  res.writeHead(response.status, extend(response.headers, { 'content-length': String(size) }));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (!fault) {
    if (Buffer.isBuffer(response.body)) res.end(response.body);
    else await pipeToResponse(response.body.open(), res);
    return;
  }
  // Keep at least one byte back so the cut is always detectable by Content-Length.
  const cutoff = Math.max(0, Math.min(size - 1, Math.floor(size * fault.fraction)));
  if (Buffer.isBuffer(response.body)) await writeChunk(res, response.body.subarray(0, cutoff));
  else await writePrefix(response.body.open(), res, cutoff);
  cut(res, fault.kind);
}

async function pipeToResponse(stream: Readable, res: ServerResponse): Promise<void> {
  try {
    for await (const chunk of stream) {
      if (res.destroyed) break;
      if (!res.write(chunk as Buffer)) await drained(res);
    }
    if (!res.destroyed) res.end();
  } catch {
    res.destroy();
  } finally {
    stream.destroy();
  }
}

async function writePrefix(stream: Readable, res: ServerResponse, limit: number): Promise<void> {
  let written = 0;
  try {
    for await (const chunk of stream) {
      if (res.destroyed || written >= limit) break;
      const bytes = chunk as Buffer;
      const part = bytes.length > limit - written ? bytes.subarray(0, limit - written) : bytes;
      written += part.length;
      await writeChunk(res, part);
    }
  } finally {
    stream.destroy();
  }
}

/** Resolves once the chunk is handed to the kernel, so it reaches the client before the cut. */
function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    if (chunk.length === 0) {
      res.flushHeaders();
      return setImmediate(resolve);
    }
    res.write(chunk, () => resolve());
  });
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function cut(res: ServerResponse, kind: ResponseFault['kind']): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  if (kind === 'drop') socket.resetAndDestroy();
  else socket.destroy();
}
