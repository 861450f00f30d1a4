import type { ResponseFault } from './http-io.js';
import type { ResolvedEmulatorOptions } from './options.js';
import { between, chance, randomStream, type Random } from './random.js';

/**
 * Retry hints are deliberately short (1 s, and 200 ms in OpenAI's retry-after-ms) so
 * that fault-injection runs and tests stay fast; real services ask for longer. Each API's
 * ErrorDialect (router.ts) shapes the 429 and 5xx answers that carry them.
 *
 * An injected server error on a POST that would create (and bill) a job is a 503 with
 * Retry-After, returned before anything is created: a front-door overload, the only 5xx
 * a client may safely retry for a billing POST. Everything else gets a plain 500, which is
 * always safe to retry. videogen's submit retry policy relies on exactly this distinction.
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
  private moderationStream!: Random;
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
    this.moderationStream = randomStream(seed, 'moderation');
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

  /** A content checker refuses the job (drawn from its own stream, so fail-rate runs replay unchanged). */
  jobModerated(): boolean {
    return chance(this.moderationStream, this.options.moderationRate);
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
