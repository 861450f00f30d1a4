/**
 * A provider's `rate:`, how many submissions it takes per unit of time: `60/min`, `2/s`,
 * `500/h` (decimals allowed: `0.5/min` is one every two minutes). Kept as submissions per
 * minute, the unit DESIGN.md states the limit in.
 */
export const RATE_PATTERN = /^(\d+(?:\.\d+)?)\/(s|min|h)$/;
export const RATE_EXPECTED = 'expected a rate such as 60/min (also N/s or N/h)';

const PER_MINUTE = { s: 60, min: 1, h: 1 / 60 } as const;

/** Submissions per minute, or undefined when the text is not a rate above zero. */
export function parseRatePerMinute(text: string): number | undefined {
  const match = RATE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const perMinute = Number(match[1]) * PER_MINUTE[match[2] as keyof typeof PER_MINUTE];
  return perMinute > 0 && Number.isFinite(perMinute) ? perMinute : undefined;
}

/** `60/min`, `1.5/min`: how the limit reads in messages, whatever unit it was written in. */
export function formatRate(perMinute: number): string {
  return `${Number(perMinute.toFixed(2))}/min`;
}
