import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssetStore } from './asset-store.js';
import { assetsRoutes } from './assets-routes.js';
import { heygenError, openaiError, storageError } from './errors.js';
import { FaultDice, rateLimitedResponse, serverErrorResponse, type ApiDialect } from './faults.js';
import { heygenRoutes } from './heygen-routes.js';
import { jsonResponse, sendResponse, withHeaders, type EmulatorResponse } from './http-io.js';
import { JobStore } from './jobs.js';
import { openaiRoutes } from './openai-routes.js';
import { resolveEmulatorOptions, type EmulatorOptions, type ResolvedEmulatorOptions } from './options.js';
import { matchRoute, type EmulatorEnv, type Route, type RouteContext } from './router.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';

/**
 * The built-in emulator: one node:http server speaking HeyGen's workflow API and the
 * OpenAI-compatible Videos API, faithfully enough that a run passing against it predicts
 * a run passing against the real services.
 *
 * Per request, in order: route → auth (401) → injected rate limit (429) → injected
 * server error (500; 503 + Retry-After on job-creating POSTs, before anything is
 * created) → the route → on GETs only, an injected connection reset or (video
 * downloads) a truncated body. Faults never touch /_emulator/stats, /_emulator/reset or
 * uploaded assets; HeyGen's temporary video URLs (object storage, no key) only see
 * resets and truncation. Job state lives in the job ids themselves (see job-id.ts).
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

const controlRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/_emulator/stats',
    dialect: 'internal',
    auth: 'none',
    faults: 'none',
    handle: (ctx) => jsonResponse(200, snapshot(ctx.env, ctx.now)),
  },
  {
    method: 'POST',
    pattern: '/_emulator/reset',
    dialect: 'internal',
    auth: 'none',
    faults: 'none',
    handle: (ctx) => {
      ctx.env.reset();
      return jsonResponse(200, { reset: true });
    },
  },
];

const routes: Route[] = [...controlRoutes, ...heygenRoutes, ...assetsRoutes, ...openaiRoutes];

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
  return {
    options,
    jobs,
    assets,
    dice,
    stats,
    reset() {
      jobs.reset();
      assets.clear();
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
  const match = matchRoute(routes, method, url.pathname);
  if (!match) {
    env.stats.countRequest(`${req.method ?? 'GET'} (no route)`);
    await sendResponse(req, res, noRoute(req.method ?? 'GET', url.pathname));
    return;
  }
  const { route, params } = match;
  if (route.dialect !== 'internal') env.stats.countRequest(`${req.method ?? 'GET'} ${route.pattern}`);

  const requestHeaders = requestIdHeader(route.dialect);
  const reply = (response: EmulatorResponse, fault?: Parameters<typeof sendResponse>[3]) =>
    sendResponse(req, res, withHeaders(response, requestHeaders), fault);

  const auth = authenticate(env, route, req);
  if (!auth.ok) return reply(auth.response);

  if (route.faults === 'api' && route.dialect !== 'internal') {
    if (env.dice.rateLimited()) {
      env.stats.countFault('rateLimited');
      return reply(rateLimitedResponse(route.dialect));
    }
    if (env.dice.errored()) {
      env.stats.countFault('errors');
      return reply(serverErrorResponse(route.dialect, route.creates === true));
    }
  }

  const ctx: RouteContext = { env, req, url, params, apiKey: auth.key, now, origin: originOf(req, env) };
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

function authenticate(env: EmulatorEnv, route: Route, req: IncomingMessage): AuthResult {
  const required = env.options.apiKey;
  switch (route.auth) {
    case 'none':
      if (route.dialect === 'storage' && /^\/_emulator\/videos\//.test(req.url ?? '')) {
        if (req.headers['x-api-key'] !== undefined || req.headers.authorization !== undefined) env.stats.countAuthOnVideoUrl();
      }
      return { ok: true, key: '' };
    case 'x-api-key': {
      const header = req.headers['x-api-key'];
      const key = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
      if (key === '' || (required !== undefined && key !== required)) {
        return {
          ok: false,
          response: heygenError(401, 'invalid_api_key', key === '' ? 'Missing X-Api-Key header.' : 'Invalid API key.'),
        };
      }
      return { ok: true, key };
    }
    case 'bearer': {
      const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
      const key = match?.[1]?.trim() ?? '';
      if (key === '' || (required !== undefined && key !== required)) {
        return {
          ok: false,
          response: openaiError(401, {
            // Never echo the key, not even masked.
            message:
              key === ''
                ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                : 'Incorrect API key provided.',
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          }),
        };
      }
      return { ok: true, key };
    }
  }
}

function requestIdHeader(dialect: ApiDialect | 'internal'): Record<string, string> {
  switch (dialect) {
    case 'openai':
      return { 'x-request-id': `req_${randomBytes(16).toString('hex')}` };
    case 'heygen':
      return { 'X-Request-Id': randomUUID() };
    case 'storage':
      return { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase() };
    case 'internal':
      return {};
  }
}

function noRoute(method: string, path: string): EmulatorResponse {
  const message = `No route for ${method} ${path}`;
  if (path.startsWith('/v1/videos')) return openaiError(404, { message, type: 'invalid_request_error', code: 'unknown_url' });
  if (path.startsWith('/_emulator/')) return storageError(404, 'NoSuchKey', message);
  return heygenError(404, 'not_found', message);
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
