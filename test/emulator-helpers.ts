/** Small helpers shared by the emulator's integration tests (plain fetch against a real server). */
import { request } from 'node:http';
import { afterEach, expect } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';

export const HEYGEN_KEY = 'hg-test-key';
export const OPENAI_KEY = 'sk-test-key';

/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** Starts an emulator that is closed after the current test. */
export function useEmulators(): (options?: EmulatorOptions) => Promise<RunningEmulator> {
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emu) => emu.close()));
  });
  return async (options = {}) => {
    const emu = await startEmulator(options);
    running.push(emu);
    return emu;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface JsonAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<JsonAnswer<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function heygen<T = any>(
  emu: RunningEmulator,
  path: string,
  init: { method?: string; json?: unknown; key?: string | null; body?: RequestInit['body']; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers['X-Api-Key'] = init.key ?? HEYGEN_KEY;
  if (init.json !== undefined) headers['Content-Type'] = 'application/json';
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return answer<T>(await fetch(`${emu.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body }));
}

export async function openai<T = any>(
  emu: RunningEmulator,
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; key?: string | null; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.Authorization = `Bearer ${init.key ?? OPENAI_KEY}`;
  let body: RequestInit['body'] = init.form;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  return answer<T>(await fetch(`${emu.url}/v1${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body }));
}

export function generateVideoBody(input: Record<string, unknown> = {}): unknown {
  return { workflow_type: 'GenerateVideoNode', input: { prompt: 'Drone shot of a coastal city at golden hour', ...input } };
}

/** Polls a HeyGen execution until it is terminal (or not found). */
export async function pollHeygen(emu: RunningEmulator, id: string, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await heygen(emu, `/v1/workflows/executions/${id}`);
    if (['completed', 'failed', 'not_found'].includes(body.data.status)) return body.data;
    if (Date.now() > deadline) throw new Error(`execution ${id} still ${body.data.status}`);
    await sleep(25);
  }
}

/** Polls an OpenAI video until it is terminal. */
export async function pollOpenai(emu: RunningEmulator, id: string, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await openai(emu, `/videos/${id}`);
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`video ${id} still ${body.status}`);
    await sleep(25);
  }
}

/**
 * A served video: 200, `video/mp4`, a Content-Length that is the truth, and an MP4 that
 * starts with `ftyp` and ends with the `free` box that names the job (unique per job).
 */
export async function expectServedMp4(video: Response, jobId: string): Promise<void> {
  expect(video.status).toBe(200);
  expect(video.headers.get('content-type')).toBe('video/mp4');
  const bytes = Buffer.from(await video.arrayBuffer());
  expect(Number(video.headers.get('content-length'))).toBe(bytes.length);
  const boxes = mp4Boxes(bytes);
  expect(boxes[0]?.type).toBe('ftyp');
  expect(boxes.at(-1)?.type).toBe('free');
  expect(bytes.subarray(boxes.at(-1)!.offset).toString('latin1')).toContain(jobId);
}

/** The top-level MP4 boxes of a file, in order. */
export function mp4Boxes(bytes: Buffer): Array<{ type: string; size: number; offset: number }> {
  const boxes: Array<{ type: string; size: number; offset: number }> = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size < 8) throw new Error(`bad box size ${size} at ${offset}`);
    boxes.push({ type, size, offset });
    offset += size;
  }
  if (offset !== bytes.length) throw new Error(`boxes end at ${offset}, file has ${bytes.length} bytes`);
  return boxes;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  received: number;
  /** How the body ended: complete, or cut off by the server. */
  outcome: 'complete' | 'cut';
}

/** A GET with node:http, to see exactly what arrived before a connection was cut. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, connection: 'close' } }, (res) => {
      let received = 0;
      let settled = false;
      const finish = (outcome: RawAnswer['outcome']): void => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, received, outcome });
      };
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => finish(res.complete ? 'complete' : 'cut'));
      res.on('aborted', () => finish('cut'));
      res.on('error', () => finish('cut'));
      res.on('close', () => finish(res.complete ? 'complete' : 'cut'));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls until `done`, returning every answer seen. Lifecycle tests assert on the whole
 * walk (monotone, ends terminal) rather than on what one poll at one instant shows, so
 * they hold on a loaded machine too.
 */
export async function observe<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(15);
  }
}

/** True when less than `ms` has passed since `since`: what the server must still consider "before". */
export function stillWithin(since: number, ms: number): boolean {
  return Date.now() - since < ms;
}

/** Width × height from the first video track's tkhd box (16.16 fixed point). */
export function trackDimensions(mp4: Buffer): string {
  const at = mp4.indexOf('tkhd', 0, 'latin1');
  const version = mp4[at + 4];
  const widthOffset = at + 4 + (version === 1 ? 4 + 8 + 8 + 4 + 4 + 8 : 4 + 4 + 4 + 4 + 4 + 4) + 8 + 2 + 2 + 2 + 2 + 36;
  return `${mp4.readUInt32BE(widthOffset) >> 16}x${mp4.readUInt32BE(widthOffset + 4) >> 16}`;
}
