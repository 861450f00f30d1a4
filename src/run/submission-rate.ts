/**
 * A provider's `rate: N/min`: at most N submissions in any minute, give or take one second's
 * worth. Each submission reserves the next free moment (a token bucket in its "virtual
 * scheduling" form, GCRA): one every 60/N seconds, with a burst of at most one second's
 * worth, so 60/min sends one a second rather than sixty at once and then nothing. Waiters
 * are served in the order they asked.
 */
import { sleepUnlessStopped } from './sleep.js';

export class SubmissionRate {
  readonly perMinute: number;
  readonly #intervalMs: number;
  /** How far ahead of its turn a submission may go: one second's worth, at least one. */
  readonly #toleranceMs: number;
  readonly #now: () => number;
  /** When the next submission would be due if they went out evenly spaced. */
  #dueAt = Number.NEGATIVE_INFINITY;
  #heldBefore = false;

  constructor(perMinute: number, now: () => number = Date.now) {
    this.perMinute = perMinute;
    this.#intervalMs = 60_000 / perMinute;
    this.#toleranceMs = Math.max(0, Math.floor(1000 / this.#intervalMs) - 1) * this.#intervalMs;
    this.#now = now;
  }

  /** Milliseconds until a submission asked for now may go out (0: at once), reserving that moment. */
  reserve(): number {
    const now = this.#now();
    const due = Math.max(this.#dueAt, now);
    this.#dueAt = due + this.#intervalMs;
    return Math.max(0, due - this.#toleranceMs - now);
  }

  /**
   * Waits for this submission's turn. `onHold` hears how long when it has to wait at all, and
   * whether this is the first submission the limit ever held back. Returns false when `stop`
   * aborted the wait (the turn is then given up).
   */
  async take(stop: AbortSignal, onHold?: (waitMs: number, first: boolean) => void): Promise<boolean> {
    if (stop.aborted) return false;
    const waitMs = this.reserve();
    if (waitMs <= 0) return true;
    onHold?.(waitMs, !this.#heldBefore);
    this.#heldBefore = true;
    return !(await sleepUnlessStopped(waitMs, stop));
  }
}
