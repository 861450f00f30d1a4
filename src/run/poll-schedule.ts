/**
 * When to poll next. Pure, so the cadence is testable without clocks: the first poll comes
 * after `initial`, each later one 1.5× the previous up to `max`, with ±10% jitter so that
 * jobs submitted together do not poll in lockstep. A provider's own hint
 * (`openai-poll-after-ms`) wins, kept within [MIN_POLL_MS, max].
 */
export const POLL_GROWTH = 1.5;
export const POLL_JITTER = 0.1;
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
  const jitter = 1 + (random() * 2 - 1) * POLL_JITTER;
  return Math.round(Math.max(MIN_POLL_MS, base * jitter));
}
