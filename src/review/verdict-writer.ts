/**
 * The review server's one writer of the review file. Verdicts from every tab (two tabs
 * clicking at once, a key held down) queue here and are applied one at a time, each on a
 * fresh read of the file, so nothing another tab, another `videogen review` or a `git pull`
 * wrote in between is lost; for the same output, the last verdict to arrive wins.
 */
import { readReview, writeReview } from './review-file.js';
import type { Review, Verdict, VerdictRecord } from './types.js';

export interface VerdictChange {
  sha256: string;
  shot: string;
  /** null clears the verdict. */
  verdict: Verdict | null;
}

export class VerdictWriter {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Resolves to the output's verdict once it is on disk (undefined when cleared). */
  record(change: VerdictChange): Promise<VerdictRecord | undefined> {
    const run = this.#tail.then(() => this.#apply(change));
    // A failed write (an invalid file on disk, a full disk) fails its own request, not the queue.
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for every verdict already received to be written. */
  async drain(): Promise<void> {
    await this.#tail;
  }

  async #apply(change: VerdictChange): Promise<VerdictRecord | undefined> {
    const before = await readReview(this.file);
    const verdicts = { ...before.verdicts };
    const existing = Object.hasOwn(verdicts, change.sha256) ? verdicts[change.sha256] : undefined;
    if (change.verdict === null) {
      delete verdicts[change.sha256];
    } else if (existing?.verdict !== change.verdict || existing.shot !== change.shot) {
      // The same verdict again keeps its first time: the file changes only when a verdict does.
      verdicts[change.sha256] = { verdict: change.verdict, shot: change.shot, at: isoSeconds(this.now()) };
    }
    const after: Review = { version: 1, verdicts };
    await writeReview(this.file, after, before);
    return after.verdicts[change.sha256];
  }
}

/** `2026-12-01T10:00:00Z`: seconds are enough to order verdicts, and keep the file calm. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
