import type { IncomingMessage } from 'node:http';
import type { AssetStore } from './asset-store.js';
import type { ApiDialect, FaultDice } from './faults.js';
import type { EmulatorResponse } from './http-io.js';
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
  /** Clears jobs, assets and counters, and rewinds the random streams. */
  reset(): void;
}

export interface RouteContext {
  env: EmulatorEnv;
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The caller's API key; empty on routes without auth. */
  apiKey: string;
  /** Unix ms, read once per request so that one answer is consistent with itself. */
  now: number;
  /** `http://host:port` as the client addressed this server, for URLs handed out. */
  origin: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/videos/:id`; also the key of the request counter ("GET /v1/videos/:id"). */
  pattern: string;
  dialect: ApiDialect | 'internal';
  auth: 'x-api-key' | 'bearer' | 'none';
  /**
   * Which faults apply: `api` = rate limits, server errors and (GET) drops; `download`
   * = drops and truncation only (object storage); `none` (emulator control, assets).
   */
  faults: 'api' | 'download' | 'none';
  /** A POST that creates a billable job (or an asset): injected errors are 503 + Retry-After. */
  creates?: boolean;
  handle(ctx: RouteContext): Promise<EmulatorResponse> | EmulatorResponse;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern.split('/'), segments);
    if (params) return { route, params };
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
