import type { IncomingMessage } from 'node:http';
import type { AssetStore } from './asset-store.js';
import type { FaultDice } from './faults.js';
import type { EmulatorResponse } from './http-io.js';
import type { IdempotencyStore } from './idempotency.js';
import type { JobKind } from './job-id.js';
import type { JobStore } from './jobs.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { StatsRecorder } from './stats.js';

/** The state every route shares; one per running emulator. */
export interface EmulatorEnv {
  options: ResolvedEmulatorOptions;
  jobs: JobStore;
  assets: AssetStore;
  dice: FaultDice;
  stats: StatsRecorder;
  /** Idempotency keys seen by APIs that take them (HeyGen v3). */
  idempotency: IdempotencyStore;
  /** Each API's jobs by API name, for hosts that serve any API's videos (storage). */
  jobKinds: ReadonlyMap<string, JobKind>;
  /** Clears jobs, assets, idempotency keys and counters, and rewinds the random streams. */
  reset(): void;
}

export interface RouteContext {
  env: EmulatorEnv;
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The API the route belongs to (its error dialect, its job kind). */
  api: EmulatedApi;
  /** The caller's API key; empty on routes without auth. */
  apiKey: string;
  /** Unix ms, read once per request so that one answer is consistent with itself. */
  now: number;
  /** `http://host:port` as the client addressed this server, for URLs handed out. */
  origin: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** `/v1/videos/:id`; also the key of the request counter ("GET /v1/videos/:id"). */
  pattern: string;
  /** Whether the API's key is required (default: yes, when the API has one). */
  auth?: boolean;
  /**
   * Which faults apply: `api` = rate limits, server errors and (GET) drops; `download`
   * = drops and truncation only (object storage); `none` (emulator control, assets).
   */
  faults: 'api' | 'download' | 'none';
  /** A POST that creates a billable job (or an asset): injected errors are 503 + Retry-After. */
  creates?: boolean;
  handle(ctx: RouteContext): Promise<EmulatorResponse> | EmulatorResponse;
}

/** Where a caller's key travels, as the API's documentation says. */
export interface KeyHeader {
  /** Lower case, as Node presents request headers. */
  header: string;
  /** `Bearer`, fal's `Key`; absent when the header holds the bare key. */
  scheme?: string;
}

/** Answers in the API's own error shape, for what the server decides before a route runs. */
export interface ErrorDialect {
  /** 401: no key (`missing`) or the wrong one. Never echoes the key. */
  unauthorized(missing: boolean): EmulatorResponse;
  /** 429 with Retry-After, before any work is done. */
  rateLimited(): EmulatorResponse;
  /** A job-creating POST gets 503 + Retry-After (nothing was created); anything else a 500. */
  serverError(creates: boolean): EmulatorResponse;
  /** No route for this path under the API's prefix. */
  noRoute(method: string, path: string): EmulatorResponse;
  /** The account has spent its credit (the emulator's creditLimit): what the API answers a new job then. */
  outOfCredit(): EmulatorResponse;
}

/**
 * One emulated API: its routes and how it speaks. The server is generic; every API is an
 * entry in apis.ts, with its route module beside it (DESIGN.md "Emulator").
 */
export interface EmulatedApi {
  name: string;
  /** Its jobs' name and id prefix, when it creates jobs. */
  jobs?: JobKind;
  /** Paths that belong to this API (for answering unknown paths in its dialect). */
  pathPrefix: string;
  /** Absent: a host that must never receive a key (object storage, CDN): one that arrives is counted. */
  key?: KeyHeader;
  errors: ErrorDialect;
  /** The request-id header the real API sends with every answer. */
  requestId(): Record<string, string>;
  routes: readonly Route[];
}

export function matchRoute(
  apis: readonly EmulatedApi[],
  method: string,
  path: string,
): { api: EmulatedApi; route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const api of apis) {
    for (const route of api.routes) {
      if (route.method !== method) continue;
      const params = matchPattern(route.pattern.split('/'), segments);
      if (params) return { api, route, params };
    }
  }
  return undefined;
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? '';
    const got = segments[i] ?? '';
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
