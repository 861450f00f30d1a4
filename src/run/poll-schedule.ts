/**
 * When to poll next. Pure, so the cadence is testable without clocks: the first poll comes
 * after `initial`, each later one 1.5× the previous up to `max`, with up to 5% of jitter so
 * that jobs submitted together do not poll in lockstep. A provider's own hint
 * (`openai-poll-after-ms`) wins, kept within [MIN_POLL_MS, max].
 *
 * The jitter only ever delays a poll, never brings it forward: `initial` is the user saying
 * when a job can first be done, and a poll before it is a request spent to hear "not yet"
 * (then a hint's wait on top). It was ±10% once: with `initial` set to the jobs' length, half
 * of all jobs were polled early, each one noticed up to 100 ms late, about 5 % of a run of
 * 1 s jobs (BENCHMARKS.md, "Scale"). Up to 5% later still spreads a thousand polls of one
 * wave over 50 ms at 1 s, and over seconds at the intervals real jobs are polled at.
 */
export const POLL_GROWTH = 1.5;
export const POLL_JITTER = 0.05;
export const MIN_POLL_MS = 50;

export interface PollCadence {
  initialMs: number;
  maxMs: number;
}

export function pollDelayMs(attempt: number, cadence: PollCadence, random: () => number, hintMs?: number): number {
  if (hintMs !== undefined && Number.isFinite(hintMs) && hintMs >= 0) {
    return Math.round(Math.min(Math.max(hintMs, MIN_POLL_MS), cadence.maxMs));
  }
  const base = Math.min(cadence.initialMs * POLL_GROWTH ** attempt, cadence.maxMs);
  const jitter = 1 + random() * POLL_JITTER;
  return Math.round(Math.max(MIN_POLL_MS, base * jitter));
}
