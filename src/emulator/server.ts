import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATED_APIS } from './apis.js';
import { AssetStore } from './asset-store.js';
import { FaultDice } from './faults.js';
import { jsonResponse, sendResponse, withHeaders, type EmulatorResponse } from './http-io.js';
import { IdempotencyStore } from './idempotency.js';
import type { JobKind } from './job-id.js';
import { JobStore } from './jobs.js';
import { resolveEmulatorOptions, type EmulatorOptions, type ResolvedEmulatorOptions } from './options.js';
import { matchRoute, type EmulatedApi, type EmulatorEnv, type RouteContext } from './router.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';
import { storageErrors } from './storage/errors.js';

/**
 * The built-in emulator: one node:http server speaking every API in apis.ts, faithfully
 * enough that a run passing against it predicts a run passing against the real services.
 *
 * Per request, in order: route → auth (401, in the API's dialect) → injected rate limit
 * (429) → injected server error (500; 503 + Retry-After on job-creating POSTs, before
 * anything is created) → the route → on GETs only, an injected connection reset or (video
 * downloads) a truncated body. Faults never touch /_emulator/stats, /_emulator/reset or
 * uploaded assets; storage hosts (temporary video URLs, no key) only see resets and
 * truncation. Job state lives in the job ids themselves (see job-id.ts).
 */

export type { EmulatorOptions } from './options.js';
export type { EmulatorStats } from './stats.js';

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  stats(): EmulatorStats;
  reset(): void;
  close(): Promise<void>;
}

/** The emulator's own controls: not an API, never counted, never faulted. */
const controlApi: EmulatedApi = {
  name: 'control',
  pathPrefix: '/_emulator/',
  errors: storageErrors,
  requestId: () => ({}),
  routes: [
    { method: 'GET', pattern: '/_emulator/stats', faults: 'none', handle: (ctx) => jsonResponse(200, snapshot(ctx.env, ctx.now)) },
    {
      method: 'POST',
      pattern: '/_emulator/reset',
      faults: 'none',
      handle: (ctx) => {
        ctx.env.reset();
        return jsonResponse(200, { reset: true });
      },
    },
  ],
};

const APIS: readonly EmulatedApi[] = [controlApi, ...EMULATED_APIS];

/** Every header some API takes a key in: a keyless host (storage) that receives one counts it. */
const KEY_HEADERS = [...new Set(EMULATED_APIS.flatMap((api) => (api.key ? [api.key.header] : [])))];

/** Starts the emulator of both APIs on `host:port` (default 127.0.0.1, any free port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const env = createEnv(resolved);
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(env, req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('emulator error');
      } else {
        res.destroy();
      }
    });
  });
  await listen(server, resolved.host, resolved.port);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(resolved.host)}:${port}`;

  return {
    url,
    port,
    stats: () => snapshot(env, Date.now()),
    reset: () => env.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (and any long download) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function createEnv(options: ResolvedEmulatorOptions): EmulatorEnv {
  const jobs = new JobStore();
  const assets = new AssetStore();
  const dice = new FaultDice(options);
  const stats = new StatsRecorder();
  const idempotency = new IdempotencyStore();
  const jobKinds = new Map<string, JobKind>(EMULATED_APIS.flatMap((api) => (api.jobs ? [[api.jobs.api, api.jobs] as const] : [])));
  return {
    options,
    jobs,
    assets,
    dice,
    stats,
    idempotency,
    jobKinds,
    reset() {
      jobs.reset();
      assets.clear();
      idempotency.clear();
      dice.reseed();
      stats.reset();
    },
  };
}

function snapshot(env: EmulatorEnv, now: number): EmulatorStats {
  return env.stats.snapshot(env.jobs.counts(now));
}

async function handle(env: EmulatorEnv, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const now = Date.now();
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  const match = matchRoute(APIS, method, url.pathname);
  if (!match) {
    env.stats.countRequest(`${req.method ?? 'GET'} (no route)`);
    await sendResponse(req, res, noRoute(req.method ?? 'GET', url.pathname));
    return;
  }
  const { api, route, params } = match;
  if (api !== controlApi) env.stats.countRequest(`${req.method ?? 'GET'} ${route.pattern}`);

  const reply = (response: EmulatorResponse, fault?: Parameters<typeof sendResponse>[3]) =>
    sendResponse(req, res, withHeaders(response, api.requestId()), fault);

  const auth = authenticate(env, api, route.auth ?? true, req);
  if (!auth.ok) return reply(auth.response);

  if (route.faults === 'api') {
    if (env.dice.rateLimited()) {
      env.stats.countFault('rateLimited');
      return reply(api.errors.rateLimited());
    }
    if (env.dice.errored()) {
      env.stats.countFault('errors');
      return reply(api.errors.serverError(route.creates === true));
    }
  }

  const ctx: RouteContext = { env, req, url, params, api, apiKey: auth.key, now, origin: originOf(req, env) };
  const response = await route.handle(ctx);

  // Drops only ever hit GETs: a reset after a job-creating POST would leave a billed job
  // the client cannot learn about, which no client can reconcile, so injecting it would
  // make fault runs meaningless rather than realistic.
  let fault: Parameters<typeof sendResponse>[3];
  if (req.method === 'GET' && route.faults !== 'none') {
    fault = env.dice.responseFault(response.video === true && response.status === 200);
    if (fault) env.stats.countFault(fault.kind === 'drop' ? 'drops' : 'truncations');
  }
  await reply(response, fault);
}

type AuthResult = { ok: true; key: string } | { ok: false; response: EmulatorResponse };

/** The key as the API takes it (its header and scheme), or the API's own 401. */
function authenticate(env: EmulatorEnv, api: EmulatedApi, required: boolean, req: IncomingMessage): AuthResult {
  if (!api.key) {
    // A host that takes no key (temporary video URLs, a CDN): a client that sends one leaks it there.
    if (api !== controlApi && KEY_HEADERS.some((name) => req.headers[name] !== undefined)) env.stats.countAuthOnVideoUrl();
    return { ok: true, key: '' };
  }
  if (!required) return { ok: true, key: '' };
  const header = req.headers[api.key.header];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  let key = value;
  if (api.key.scheme !== undefined) {
    const match = new RegExp(`^${api.key.scheme}\\s+(\\S.*)$`, 'i').exec(value);
    key = match?.[1]?.trim() ?? '';
  }
  const wanted = env.options.apiKey;
  if (key === '' || (wanted !== undefined && key !== wanted)) return { ok: false, response: api.errors.unauthorized(key === '') };
  return { ok: true, key };
}

/** An unknown path is answered in the dialect of the API whose prefix it carries. */
function noRoute(method: string, path: string): EmulatorResponse {
  const api = EMULATED_APIS.find((candidate) => path.startsWith(candidate.pathPrefix));
  return (api?.errors ?? EMULATED_APIS[0]!.errors).noRoute(method, path);
}

/** Where the client reached us, so handed-out URLs work through port mappings too. */
function originOf(req: IncomingMessage, env: EmulatorEnv): string {
  const host = req.headers.host;
  if (host && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) return `http://${host}`;
  const address = req.socket.localAddress ?? env.options.host;
  return `http://${urlHost(address)}:${req.socket.localPort ?? env.options.port}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
