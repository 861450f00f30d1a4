/**
 * Prices, as the provider modules' model tables and the manifest's `pricing:` write them
 * (DESIGN.md "Cost"). One shape for every API: a rate per second of video or per video,
 * with variants by resolution and for sound, where the provider prices them apart.
 */
import { z } from 'zod';

const usd = z.number().nonnegative('expected a price of at least 0').describe('US dollars.');

const PlainRateShape = {
  per_second: usd.describe('US dollars per second of video.').optional(),
  per_video: usd.describe('US dollars per video, whatever its length.').optional(),
};

const PlainRateSchema = z.strictObject(PlainRateShape).describe('A rate: per second of video or per video.');

/** A rate, and the rate with sound where the provider charges more for it (Veo with generateAudio). */
export const RateSchema = z
  .strictObject({
    ...PlainRateShape,
    audio: PlainRateSchema.describe('The rate when the shot asks for sound (`audio: true`).').optional(),
  })
  .describe('A rate: per second of video or per video, and with sound where that costs more.');

/** What the manifest's `pricing:` takes for one model: the built-in price's shape, without its date and source. */
export const PriceOverrideSchema = RateSchema.extend({
  by_resolution: z
    .record(z.string().min(1), RateSchema)
    .describe('Rates for particular resolutions ("1080p": { per_second: 0.4 }), used instead of the plain rate.')
    .optional(),
}).describe('The price of one model (US dollars); overrides the built-in table.');

export type Rate = z.infer<typeof RateSchema>;
export type PriceOverride = z.infer<typeof PriceOverrideSchema>;

/** A built-in price: the same rates, with when and where they were read. */
export interface Price extends PriceOverride {
  /** YYYY-MM-DD. */
  as_of: string;
  /** Where the figure comes from (a URL, or a file in ../shared/reference). */
  source: string;
}

/** The keys a price (or a rate inside one) may hold, for "did you mean" on a misspelt one. */
export const PRICE_KEYS: readonly string[] = Object.keys(PriceOverrideSchema.shape);

/** `pricing:` in the manifest: provider entry name → model → price. */
export const PricingSchema = z
  .record(z.string().min(1).describe('Provider entry name.'), z.record(z.string().min(1).describe('Model.'), PriceOverrideSchema))
  .describe('Prices that override the built-in tables (US dollars), by provider entry and model: { or: { google/veo-3.1-fast: { per_second: 0.12 } } }.');

export type Pricing = z.infer<typeof PricingSchema>;

/** `$0.12/s`, `$0.50/video`; with its sound rate: `$0.2/s ($0.4/s with audio)`. */
export function describeRate(rate: Rate): string {
  const plain = rate.per_video !== undefined ? `$${rate.per_video}/video` : rate.per_second !== undefined ? `$${rate.per_second}/s` : '';
  const audio = rate.audio ? describeRate(rate.audio) : '';
  if (plain && audio) return `${plain} (${audio} with audio)`;
  return plain || (audio ? `${audio} with audio` : '');
}

/** A whole price on one line, for `videogen models`: `$0.2/s (…); 4k: $0.4/s (…); as of 2026-12-01`. */
export function describePrice(price: PriceOverride & { as_of?: string }): string {
  const parts = [describeRate(price), ...Object.entries(price.by_resolution ?? {}).map(([resolution, rate]) => `${resolution}: ${describeRate(rate)}`)];
  const dated = price.as_of ? `; as of ${price.as_of}` : '';
  return `${parts.filter(Boolean).join('; ')}${dated}`;
}
