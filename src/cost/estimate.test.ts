import { describe, expect, it } from 'vitest';
import type { Spec } from '../manifest/types.js';
import { estimateCost, formatAmount, round } from './estimate.js';
import { PricingSchema } from './price.js';

const spec = (extra: Partial<Spec> = {}): Spec => ({ provider: 'p', endpoint: 'e', model: 'm', prompt: 'x', ...extra });

describe('estimateCost', () => {
  it('prices per second by the length, and per video flat', () => {
    expect(estimateCost(spec({ duration: 8 }), { per_second: 0.12 }, 8)).toEqual({ usd: 0.96 });
    expect(estimateCost(spec(), { per_video: 7 }, undefined)).toEqual({ usd: 7 });
  });

  it('uses the rate of the shot resolution, and the sound rate where there is one', () => {
    const price = { per_second: 0.2, audio: { per_second: 0.4 }, by_resolution: { '1080p': { per_second: 0.3, audio: { per_second: 0.6 } } } };
    expect(estimateCost(spec({ resolution: '720p' }), price, 4)).toEqual({ usd: 0.8 });
    expect(estimateCost(spec({ resolution: '720p', audio: true }), price, 4)).toEqual({ usd: 1.6 });
    expect(estimateCost(spec({ resolution: '1080p' }), price, 4)).toEqual({ usd: 1.2 });
    expect(estimateCost(spec({ resolution: '1080p', audio: true }), price, 4)).toEqual({ usd: 2.4 });
    // A resolution without its own sound rate does not borrow the plain one's.
    expect(estimateCost(spec({ resolution: '4k', audio: true }), { per_second: 0.5, by_resolution: { '4k': { per_second: 0.9 } }, audio: { per_second: 1 } }, 2)).toEqual({ usd: 1.8 });
  });

  it('says unknown, never 0, without a price or a length', () => {
    expect(estimateCost(spec(), undefined, 8)).toEqual({ unknown: 'no price known for m' });
    expect(estimateCost(spec(), { per_second: 0.1 }, undefined).unknown).toContain('length is not known');
    expect(estimateCost(spec(), {}, 8).unknown).toContain('no rate');
  });

  it('rounds away float dust', () => {
    expect(round(0.1 + 0.2)).toBe(0.3);
    expect(estimateCost(spec(), { per_second: 0.05 }, 6)).toEqual({ usd: 0.3 });
  });
});

describe('PricingSchema', () => {
  it('takes overrides per provider entry and model, and refuses what is not a price', () => {
    expect(PricingSchema.safeParse({ or: { 'google/veo-3.1-fast': { per_second: 0.12 } } }).success).toBe(true);
    expect(PricingSchema.safeParse({ or: { m: { per_second: -1 } } }).success).toBe(false);
    expect(PricingSchema.safeParse({ or: { m: { per_minute: 1 } } }).success).toBe(false);
    expect(PricingSchema.safeParse({ or: { m: { by_resolution: { '1080p': { per_video: 2 } } } } }).success).toBe(true);
  });
});

describe('formatAmount', () => {
  it('never shows $0.00 for work nobody priced', () => {
    expect(formatAmount(4, 0, 'job')).toBe('$4.00');
    expect(formatAmount(4, 1, 'job')).toBe('$4.00 + 1 job of unknown price');
    expect(formatAmount(0, 3, 'shot')).toBe('3 shots of unknown price');
    expect(formatAmount(0, 0, 'shot')).toBe('$0.00');
    expect(formatAmount(4, 2, 'job', ' estimated')).toBe('$4.00 estimated + 2 jobs of unknown price');
  });
});
