/**
 * Live counts of a run's shots by state, kept up to date event by event, so a header line of
 * 100,000 shots costs the same as one of ten. Only shots between their first move and their
 * end are remembered; a finished shot is a number, not an entry.
 */
import type { ShotEvent, ShotState } from './types.js';

export interface ShotCounts {
  done: number;
  failed: number;
  pending: number;
  active: number;
  queued: number;
}

/** How each way of ending counts; a shot not submitted this run (skipped) is left for the next, like a pending one. */
const FINAL: Readonly<Partial<Record<ShotState, keyof ShotCounts>>> = { completed: 'done', failed: 'failed', pending: 'pending', skipped: 'pending' };

export class ShotTally {
  readonly total: number;
  readonly #active = new Set<string>();
  #done = 0;
  #failed = 0;
  #pending = 0;

  constructor(total: number) {
    this.total = total;
  }

  /** Counts `event`; returns true when it ended its shot. */
  record(event: ShotEvent): boolean {
    const final = FINAL[event.state];
    if (final === undefined) {
      if (event.state !== 'queued') this.#active.add(event.id);
      return false;
    }
    this.#active.delete(event.id);
    if (final === 'done') this.#done += 1;
    else if (final === 'failed') this.#failed += 1;
    else this.#pending += 1;
    return true;
  }

  get counts(): ShotCounts {
    const active = this.#active.size;
    const queued = Math.max(0, this.total - this.#done - this.#failed - this.#pending - active);
    return { done: this.#done, failed: this.#failed, pending: this.#pending, active, queued };
  }
}
