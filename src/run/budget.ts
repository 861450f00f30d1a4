/**
 * What this run spends, and `apply --max-cost` while it goes (DESIGN.md "Cost"): a submission
 * is made only if the estimates of everything submitted in this run so far, plus its own,
 * stay within the budget. An estimate is counted before the submission goes out (two shots
 * cannot both take the last dollar) and given back only when the submission was never made;
 * a job the provider refused or failed may still be billed, so its estimate stays spent. A
 * charge the provider reports replaces the estimate it settles.
 */
import { round } from '../cost/estimate.js';
import type { RunCost } from '../report/types.js';

export class Budget {
  #spent = 0;
  #reported = 0;
  #unknown = 0;
  /** Submissions counted that went to a real API rather than the built-in emulator. */
  #billable = 0;
  #submissions = 0;

  /** `maxUsd` undefined: no limit, the spend is only counted. */
  constructor(readonly maxUsd?: number) {}

  /**
   * True when a submission estimated at `usd` fits, and then it is counted. An unknown price
   * fits only when there is no limit. `emulated`: it goes to the built-in emulator, which
   * bills nothing but is priced as the real API would be, so a trial run shows the cost.
   */
  reserve(usd: number | undefined, emulated = false): boolean {
    if (usd === undefined) {
      if (this.maxUsd !== undefined) return false;
      this.#unknown += 1;
    } else {
      // In cents, so that 0.1 + 0.2 fits a budget of 0.3.
      if (this.maxUsd !== undefined && Math.round((this.#spent + usd) * 100) > Math.round(this.maxUsd * 100)) return false;
      this.#spent += usd;
    }
    this.#submissions += 1;
    if (!emulated) this.#billable += 1;
    return true;
  }

  /** The submission never went out. */
  release(usd: number | undefined, emulated = false): void {
    if (usd === undefined) this.#unknown -= 1;
    else this.#spent -= usd;
    this.#submissions -= 1;
    if (!emulated) this.#billable -= 1;
  }

  /** The provider said what the job cost. */
  settle(estimatedUsd: number | undefined, reportedUsd: number): void {
    this.#spent += reportedUsd - (estimatedUsd ?? 0);
    this.#reported += reportedUsd;
    if (estimatedUsd === undefined) this.#unknown -= 1;
  }

  /** What `usd` more would take the spend to. */
  after(usd: number): number {
    return this.#spent + usd;
  }

  get spent(): RunCost {
    const spent: RunCost = { usd: round(this.#spent), reported: round(this.#reported), unknown: this.#unknown, currency: 'USD' };
    return this.#submissions > 0 && this.#billable === 0 ? { ...spent, emulated: true } : spent;
  }
}

