import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Jobs in flight, capped overall and per provider. A slot is held from submission until the
 * provider says the job is terminal, because that is what providers limit (HeyGen allows
 * 10 concurrent jobs on pay-as-you-go); downloads happen after the slot is released.
 *
 * The provider limit is taken first and the global one inside it, so a job waiting for a
 * busy provider never holds a global slot that another provider's job could use.
 */
export class JobSlots {
  private readonly global: LimitFunction;
  private readonly perProvider = new Map<string, LimitFunction>();
  private inFlight = 0;
  private maxInFlight = 0;

  constructor(globalLimit: number, providerLimits: ReadonlyMap<string, number>) {
    this.global = pLimit(globalLimit);
    for (const [name, limit] of providerLimits) this.perProvider.set(name, pLimit(limit));
  }

  run<T>(providerName: string, job: () => Promise<T>): Promise<T> {
    const provider = this.perProvider.get(providerName);
    if (!provider) throw new Error(`no slots configured for provider "${providerName}"`);
    return provider(() =>
      this.global(async () => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          return await job();
        } finally {
          this.inFlight -= 1;
        }
      }),
    );
  }

  /** The most jobs that were ever in flight at once during this run (for tests and benchmarks). */
  get peak(): number {
    return this.maxInFlight;
  }
}
