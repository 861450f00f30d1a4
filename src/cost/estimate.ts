/**
 * What a shot will cost, from its spec and a price. Pure. An unknown price or duration is
 * `undefined`, never 0: a plan that said "$0" for an unpriced model would be a lie that
 * costs money (DESIGN.md "Cost").
 */
import type { Spec } from '../manifest/types.js';
import type { PriceOverride, Rate } from './price.js';

export interface CostEstimate {
  /** US dollars, rounded to the cent's hundredth; undefined when it cannot be known. */
  usd?: number;
  /** Why there is no figure (`no price for model x`, `no duration`). */
  unknown?: string;
}

/**
 * @param seconds the video's length: the spec's `duration`, else the model's documented default
 */
export function estimateCost(spec: Spec, price: PriceOverride | undefined, seconds: number | undefined): CostEstimate {
  if (price === undefined) return { unknown: `no price known for ${spec.model}` };
  const rate = rateFor(spec, price);
  if (rate.per_video !== undefined) return { usd: round(rate.per_video) };
  if (rate.per_second !== undefined) {
    if (seconds === undefined) return { unknown: `${spec.model} is priced per second and its length is not known` };
    return { usd: round(rate.per_second * seconds) };
  }
  return { unknown: `the price of ${spec.model} has no rate for this shot` };
}

/** The most specific rate: the shot's resolution (else the plain rate), then its sound variant. */
function rateFor(spec: Spec, price: PriceOverride): Omit<Rate, 'audio'> {
  const rate: Rate = (typeof spec.resolution === 'string' ? price.by_resolution?.[spec.resolution] : undefined) ?? price;
  return spec.audio === true && rate.audio ? rate.audio : rate;
}

/** Sums keep 1/100 of a cent: enough for per-second rates, free of float dust like 0.30000000000000004. */
export function round(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

/** `$0.96`, `$1,204.50`; tenths of a cent only when a figure has them. */
export function formatUsd(usd: number): string {
  const cents = Math.round(usd * 100) / 100;
  const digits = cents === usd ? 2 : 4;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/**
 * `$4.00`, `$4.00 + 3 jobs of unknown price`, or `3 jobs of unknown price` when nothing is
 * priced. `note` qualifies the priced part: `$4.00 estimated + 3 jobs of unknown price`.
 */
export function formatAmount(usd: number, unknown: number, noun: 'job' | 'shot', note = ''): string {
  const unpriced = `${unknown} ${noun}${unknown === 1 ? '' : 's'} of unknown price`;
  if (unknown === 0) return `${formatUsd(usd)}${note}`;
  return usd === 0 ? unpriced : `${formatUsd(usd)}${note} + ${unpriced}`;
}
