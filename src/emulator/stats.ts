import type { JobCounts } from './jobs.js';

export interface EmulatorStats {
  /** Keyed by route pattern: "POST /v1/videos", "GET /v1/videos/:id", "GET /v1/workflows/executions/:id", … */
  requests: Record<string, number>;
  jobs: JobCounts;
  faults: {
    rateLimited: number;
    errors: number;
    drops: number;
    truncations: number;
    /** Jobs over the per-key limit (maxConcurrent): refused with 429, or at fal held IN_QUEUE. Not random, but what a client must handle. */
    concurrencyLimited: number;
    /** Creations refused because the key spent its credit (creditLimit). */
    outOfCredit: number;
  };
  /** Requests to keyless hosts (temporary video URLs, fal's CDN) that carried an API key header: must stay 0. */
  authOnVideoUrls: number;
}

export type FaultCounter = keyof EmulatorStats['faults'];

/** Counters for everything but jobs (whose numbers come from the JobStore). */
export class StatsRecorder {
  private requests = new Map<string, number>();
  private faults = emptyFaults();
  private authOnVideoUrls = 0;

  countRequest(routeKey: string): void {
    this.requests.set(routeKey, (this.requests.get(routeKey) ?? 0) + 1);
  }

  countFault(kind: FaultCounter): void {
    this.faults[kind]++;
  }

  countAuthOnVideoUrl(): void {
    this.authOnVideoUrls++;
  }

  snapshot(jobs: JobCounts): EmulatorStats {
    const requests: Record<string, number> = {};
    for (const key of [...this.requests.keys()].sort()) requests[key] = this.requests.get(key) ?? 0;
    return { requests, jobs, faults: { ...this.faults }, authOnVideoUrls: this.authOnVideoUrls };
  }

  reset(): void {
    this.requests = new Map();
    this.faults = emptyFaults();
    this.authOnVideoUrls = 0;
  }
}

function emptyFaults(): EmulatorStats['faults'] {
  return { rateLimited: 0, errors: 0, drops: 0, truncations: 0, concurrencyLimited: 0, outOfCredit: 0 };
}
