/**
 * A provider that answers "out of credit" (402, insufficient_quota) will answer every other
 * shot the same way: submitting the rest only piles up failures. The first such answer stops
 * submissions to that provider for the rest of the run, said once; its other shots are left
 * for the next apply (after a top-up), and other providers carry on.
 */
import type { Reporter } from '../report/types.js';

export class QuotaStops {
  readonly #stopped = new Set<string>();

  constructor(private readonly reporter: Reporter) {}

  isStopped(provider: string): boolean {
    return this.#stopped.has(provider);
  }

  stop(provider: string, cause: { code: string; message: string }): void {
    if (this.#stopped.has(provider)) return;
    this.#stopped.add(provider);
    this.reporter.onMessage?.({
      level: 'error',
      text: `provider ${provider} is out of credit (${cause.code}): no more submissions to it in this run; its remaining shots are left for the next apply`,
    });
  }
}
