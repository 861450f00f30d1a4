/** How an emulator behaves: the knobs of `videogen emulate` and of `startEmulator()`. */
export interface EmulatorOptions {
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: any free port (read it back from RunningEmulator.port). */
  port?: number;
  /** Generation time per job; default 3000. A `[min, max]` range draws per job. */
  latencyMs?: number | [number, number];
  /** Share of jobs that end `failed` (decided at creation), 0..1. */
  failRate?: number;
  /** Share of jobs refused by the (emulated) content policy when they end, 0..1; counted apart from failRate. */
  moderationRate?: number;
  /** Jobs each API key may create before the account is out of credit (402 or the API's own answer); default unlimited. */
  creditLimit?: number;
  /** Share of API requests answered 429 with Retry-After before any work is done, 0..1. */
  rateLimitRate?: number;
  /** Share of API requests answered 500 (GET, DELETE) or 503 + Retry-After (job-creating POST), 0..1. */
  errorRate?: number;
  /** Share of GET responses (polls, downloads) whose connection is reset mid-response, 0..1. */
  dropRate?: number;
  /** Share of video downloads cut short (full Content-Length, fewer bytes), 0..1. */
  truncateRate?: number;
  /** Jobs in flight per API key before a creation is refused with 429; default 10. */
  maxConcurrent?: number;
  /** Lifetime of temporary video URLs (HeyGen's and other hosts'); default 10 minutes. */
  urlTtlMs?: number;
  /** How long fal keeps a finished request's result; default 6 minutes (its rule for results of 10 KB or more). */
  resultTtlMs?: number;
  /** How long a finished video stays downloadable where the API keeps it (OpenAI: about an hour); default 1 hour. */
  contentTtlMs?: number;
  /**
   * How long HeyGen v3's `POST /v3/models/videos` takes to answer once it has created the
   * job (default 0): meanwhile a repeat with the same Idempotency-Key is answered 409
   * `request_in_progress`, and a client killed then has a job it never heard of.
   */
  createDelayMs?: number;
  /** Require exactly this key; default: any non-empty key. */
  apiKey?: string;
  /** Makes every random decision (faults, failures, latencies) reproducible. */
  seed?: number;
  /** Pad each served video to at least this many bytes, for download benchmarks. */
  videoBytes?: number;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedEmulatorOptions {
  host: string;
  port: number;
  latencyMs: [number, number];
  failRate: number;
  moderationRate: number;
  creditLimit: number | undefined;
  rateLimitRate: number;
  errorRate: number;
  dropRate: number;
  truncateRate: number;
  maxConcurrent: number;
  urlTtlMs: number;
  resultTtlMs: number;
  contentTtlMs: number;
  createDelayMs: number;
  apiKey: string | undefined;
  seed: number | undefined;
  videoBytes: number;
}

export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  latencyMs: 3000,
  maxConcurrent: 10,
  urlTtlMs: 10 * 60_000,
  resultTtlMs: 6 * 60_000,
  contentTtlMs: 60 * 60_000,
} as const;

/** Fills in defaults; throws a RangeError naming the option when a value makes no sense. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const latency = options.latencyMs ?? EMULATOR_DEFAULTS.latencyMs;
  const [minLatency, maxLatency] = typeof latency === 'number' ? [latency, latency] : latency;
  requireNonNegative('latencyMs', minLatency);
  requireNonNegative('latencyMs', maxLatency);
  if (maxLatency < minLatency) throw new RangeError(`latencyMs: range ${minLatency}-${maxLatency} is reversed`);

  const port = options.port ?? EMULATOR_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port: ${port} is not a TCP port`);
  const maxConcurrent = options.maxConcurrent ?? EMULATOR_DEFAULTS.maxConcurrent;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent: ${maxConcurrent} must be a whole number of at least 1`);
  }
  const urlTtlMs = options.urlTtlMs ?? EMULATOR_DEFAULTS.urlTtlMs;
  requireNonNegative('urlTtlMs', urlTtlMs);
  const resultTtlMs = options.resultTtlMs ?? EMULATOR_DEFAULTS.resultTtlMs;
  requireNonNegative('resultTtlMs', resultTtlMs);
  const contentTtlMs = options.contentTtlMs ?? EMULATOR_DEFAULTS.contentTtlMs;
  requireNonNegative('contentTtlMs', contentTtlMs);
  const createDelayMs = options.createDelayMs ?? 0;
  requireNonNegative('createDelayMs', createDelayMs);
  const videoBytes = options.videoBytes ?? 0;
  requireNonNegative('videoBytes', videoBytes);
  if (options.apiKey !== undefined && options.apiKey === '') throw new RangeError('apiKey: must not be empty');
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new RangeError('seed: must be a number');
  if (options.creditLimit !== undefined && (!Number.isInteger(options.creditLimit) || options.creditLimit < 0)) {
    throw new RangeError(`creditLimit: ${options.creditLimit} must be a whole number of at least 0`);
  }

  return {
    host: options.host ?? EMULATOR_DEFAULTS.host,
    port,
    latencyMs: [Math.round(minLatency), Math.round(maxLatency)],
    failRate: rate('failRate', options.failRate),
    moderationRate: rate('moderationRate', options.moderationRate),
    creditLimit: options.creditLimit,
    rateLimitRate: rate('rateLimitRate', options.rateLimitRate),
    errorRate: rate('errorRate', options.errorRate),
    dropRate: rate('dropRate', options.dropRate),
    truncateRate: rate('truncateRate', options.truncateRate),
    maxConcurrent,
    urlTtlMs,
    resultTtlMs,
    contentTtlMs,
    createDelayMs: Math.round(createDelayMs),
    apiKey: options.apiKey,
    seed: options.seed,
    videoBytes: Math.floor(videoBytes),
  };
}

function rate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name}: ${value} is not between 0 and 1`);
  return value;
}

function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name}: ${value} must be a non-negative number`);
}
