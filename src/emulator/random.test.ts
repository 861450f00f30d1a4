import { describe, expect, it } from 'vitest';
import { between, chance, mulberry32, randomStream } from './random.js';

describe('random streams', () => {
  it('repeat for the same seed and purpose, and differ across purposes', () => {
    const draw = (purpose: string) => {
      const random = randomStream(42, purpose);
      return [random(), random(), random()];
    };
    expect(draw('fail')).toEqual(draw('fail'));
    expect(draw('fail')).not.toEqual(draw('drop'));
    expect(randomStream(undefined, 'fail')).toBe(Math.random);
  });

  it('draw uniformly enough in [0, 1)', () => {
    const random = mulberry32(1);
    const values = Array.from({ length: 10_000 }, () => random());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });

  it('decide chances and ranges', () => {
    const random = mulberry32(2);
    expect(chance(random, 0)).toBe(false);
    expect(chance(random, 1)).toBe(true);
    const draws = Array.from({ length: 1000 }, () => between(random, 5, 7));
    expect(new Set(draws)).toEqual(new Set([5, 6, 7]));
    expect(between(random, 9, 9)).toBe(9);
  });
});
