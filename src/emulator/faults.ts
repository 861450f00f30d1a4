import { heygenError, openaiError, storageError } from './errors.js';
import type { EmulatorResponse, ResponseFault } from './http-io.js';
import type { ResolvedEmulatorOptions } from './options.js';
import { between, chance, randomStream, type Random } from './random.js';

/** Which wire dialect a route speaks; faults and errors are shaped accordingly. */
export type ApiDialect = 'heygen' | 'openai' | 'storage';

/**
 * Retry hints are deliberately short (1 s, and 200 ms in OpenAI's retry-after-ms) so
 * that fault-injection runs and tests stay fast; real services ask for longer.
 */
export const RETRY_AFTER_SECONDS = 1;
export const RETRY_AFTER_MS = 200;

/** Every random decision the emulator makes, each from its own seeded stream. */
export class FaultDice {
  private rateLimitStream!: Random;
  private errorStream!: Random;
  private dropStream!: Random;
  private truncateStream!: Random;
  private cutStream!: Random;
  private failStream!: Random;
  private latencyStream!: Random;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    this.reseed();
  }

  /** Back to the start of every stream (on reset), so a seeded run replays identically. */
  reseed(): void {
    const seed = this.options.seed;
    this.rateLimitStream = randomStream(seed, 'rate-limit');
    this.errorStream = randomStream(seed, 'error');
    this.dropStream = randomStream(seed, 'drop');
    this.truncateStream = randomStream(seed, 'truncate');
    this.cutStream = randomStream(seed, 'cut');
    this.failStream = randomStream(seed, 'fail');
    this.latencyStream = randomStream(seed, 'latency');
  }

  rateLimited(): boolean {
    return chance(this.rateLimitStream, this.options.rateLimitRate);
  }

  errored(): boolean {
    return chance(this.errorStream, this.options.errorRate);
  }

  /** For a GET: reset the connection mid-response, or (videos only) cut the body short. */
  responseFault(isVideo: boolean): ResponseFault | undefined {
    if (chance(this.dropStream, this.options.dropRate)) return { kind: 'drop', fraction: this.cutAt() };
    if (isVideo && chance(this.truncateStream, this.options.truncateRate)) return { kind: 'truncate', fraction: this.cutAt() };
    return undefined;
  }

  jobFails(): boolean {
    return chance(this.failStream, this.options.failRate);
  }

  latencyMs(): number {
    const [min, max] = this.options.latencyMs;
    return between(this.latencyStream, min, max);
  }

  /** Somewhere between a fifth and four fifths of the body. */
  private cutAt(): number {
    return 0.2 + 0.6 * this.cutStream();
  }
}

export function rateLimitedResponse(api: ApiDialect): EmulatorResponse {
  const retryAfter = { 'retry-after': String(RETRY_AFTER_SECONDS) };
  switch (api) {
    case 'heygen':
      return heygenError(429, 'rate_limit_exceeded', 'Too many requests, please retry later.', { headers: retryAfter });
    case 'openai':
      return openaiError(
        429,
        { message: 'Rate limit reached for requests. Please try again shortly.', type: 'requests', code: 'rate_limit_exceeded' },
        { ...retryAfter, 'retry-after-ms': String(RETRY_AFTER_MS) },
      );
    case 'storage':
      return { ...storageError(503, 'SlowDown', 'Please reduce your request rate.'), headers: { 'content-type': 'application/xml', ...retryAfter } };
  }
}

/**
 * An injected server error. A POST that would create (and bill) a job gets a 503 with
 * Retry-After, returned before anything is created: a front-door overload. That is the
 * only 5xx a client may safely retry for a billing POST, because no provider accepts an
 * idempotency key; a 500 after the job was created would leave an unknowable billed
 * job. videogen's submit retry policy relies on exactly this distinction.
 * Everything else (GET, DELETE) gets a plain 500, which is always safe to retry.
 */
export function serverErrorResponse(api: ApiDialect, creates: boolean): EmulatorResponse {
  const status = creates ? 503 : 500;
  const headers: Record<string, string> = creates ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  switch (api) {
    case 'heygen':
      return creates
        ? heygenError(status, 'service_unavailable', 'The service is temporarily overloaded; nothing was created. Retry later.', { headers })
        : heygenError(status, 'internal_error', 'Internal server error.');
    case 'openai':
      if (creates) headers['retry-after-ms'] = String(RETRY_AFTER_MS);
      return openaiError(
        status,
        creates
          ? { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: 'service_unavailable' }
          : { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' },
        headers,
      );
    case 'storage':
      return storageError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
}
