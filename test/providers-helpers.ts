/**
 * Shared by the provider integration tests: configs, shots, real image files, a tiny poll
 * loop, a recording proxy, and the per-file harness (scratch folder, emulator, client).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import type { LockRemote } from '../src/lock/types.js';
import type { ImageSource, ProviderConfig, ProviderType, Shot, Spec } from '../src/manifest/types.js';
import type { ReferenceFormat } from '../src/providers/openai-videos/index.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { useScratch, type Scratch } from './helpers/scratch.js';

export function providerConfig(
  type: ProviderType,
  baseUrl: string,
  overrides: Partial<ProviderConfig> & { referenceFormat?: ReferenceFormat } = {},
): ProviderConfig {
  const { referenceFormat = 'multipart', ...rest } = overrides;
  return {
    name: type === 'heygen' ? 'heygen' : 'hx',
    type,
    baseUrl,
    apiKeyEnv: type === 'heygen' ? 'HEYGEN_API_KEY' : 'OPENAI_API_KEY',
    concurrency: 4,
    emulate: false,
    settings: type === 'openai-videos' ? { reference_format: referenceFormat } : {},
    poll: { initialMs: 50, maxMs: 200 },
    timeoutMs: 30_000,
    downloadTimeoutMs: 10_000,
    ...rest,
  };
}

export function shot(
  id: string,
  spec: Partial<Spec> & Pick<Spec, 'provider' | 'model'>,
  images: { referenceImage?: ImageSource; tailImage?: ImageSource } = {},
): Shot {
  const fullSpec: Spec = { endpoint: 'emulator', prompt: `prompt for ${id}`, ...spec };
  return {
    id,
    providerName: spec.provider,
    spec: fullSpec,
    specHash: `sha256:${sha256Hex(Buffer.from(JSON.stringify(fullSpec)))}`,
    tags: [],
    output: `out/${id}.mp4`,
    ...images,
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A real, decodable RGB PNG of one colour (the colour makes distinct files). */
export function pngBytes(width = 4, height = 4, rgb: [number, number, number] = [200, 80, 40]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3] ?? 0)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function writeImage(dir: string, name: string, bytes: Buffer = pngBytes()): Promise<ImageSource> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { kind: 'file', path: file, sha256: `sha256:${sha256Hex(bytes)}`, bytes: bytes.length };
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `videogen-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const TERMINAL = new Set(['completed', 'failed', 'not_found']);

/** The executor owns real polling; tests only need "ask until it is done". */
export async function pollUntilTerminal(
  provider: Provider,
  jobId: string,
  options: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal; seen?: PollResult[]; remote?: LockRemote } = {},
): Promise<PollResult> {
  const { intervalMs = 50, timeoutMs = 10_000, signal = new AbortController().signal } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // `remote`: what the lock would hold for the job (fal finds its requests through it).
    const result = await provider.poll(jobId, { signal, ...(options.remote ? { remote: options.remote } : {}) });
    options.seen?.push(result);
    if (TERMINAL.has(result.state)) return result;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${result.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The first bytes of an MP4 are a box whose type (bytes 4..8) is `ftyp`. */
export async function startsWithFtyp(file: string): Promise<boolean> {
  const bytes = await readFile(file);
  return bytes.subarray(4, 8).toString('latin1') === 'ftyp';
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: import('node:http').IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A loopback proxy that records every request (method, path, headers, raw body) and then
 * forwards it unchanged to `target`, so tests can inspect exactly what a provider sent
 * while the emulator still answers.
 */
export async function startRecordingProxy(
  target: string,
): Promise<{ url: string; records: RecordedRequest[]; close: () => Promise<void> }> {
  const http = await import('node:http');
  const records: RecordedRequest[] = [];
  const targetUrl = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      records.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      const upstream = http.request(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: targetUrl.host, 'content-length': String(body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, records, close };
}

/** Retries quick enough for tests, still honouring a short Retry-After. */
export const FAST_RETRIES = { maxAttempts: 6, baseDelayMs: 5, capDelayMs: 40, maxRetryAfterMs: 5_000 };

export interface ProviderHarness extends Scratch {
  /** A fresh path in the scratch folder for a download. */
  dest(name: string): string;
  /** An emulator and a client, both closed after the test. */
  start(emulator: EmulatorOptions, retryPolicy?: Partial<typeof FAST_RETRIES>): Promise<{ emu: RunningEmulator; http: HttpClient }>;
  /** The same with a recording proxy in front of the emulator: point the provider at `proxy.url`. */
  startProxied(emulator: EmulatorOptions): Promise<{
    emu: RunningEmulator;
    proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
    http: HttpClient;
  }>;
}

/** Call at the top of a provider test file: one scratch folder for the file, servers per test. */
export function useProviderHarness(name: string): ProviderHarness {
  const scratch = useScratch(`videogen-${name}-`, 'file');
  return {
    get dir() {
      return scratch.dir;
    },
    defer: scratch.defer,
    dest: (file) => path.join(scratch.dir, `${file}-${Math.random().toString(36).slice(2)}.mp4`),
    async start(emulator, retryPolicy = FAST_RETRIES) {
      const emu = await startEmulator(emulator);
      const http = new HttpClient({ retryPolicy });
      scratch.defer(() => emu.close(), () => http.close());
      return { emu, http };
    },
    async startProxied(emulator) {
      const emu = await startEmulator(emulator);
      const proxy = await startRecordingProxy(emu.url);
      const http = new HttpClient({ retryPolicy: FAST_RETRIES });
      scratch.defer(() => emu.close(), () => proxy.close(), () => http.close());
      return { emu, proxy, http };
    },
  };
}
