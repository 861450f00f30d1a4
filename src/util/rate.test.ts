import { describe, expect, it } from 'vitest';
import { formatRate, parseRatePerMinute } from './rate.js';

describe('provider rates', () => {
  it('reads N/s, N/min and N/h as submissions per minute', () => {
    expect(parseRatePerMinute('60/min')).toBe(60);
    expect(parseRatePerMinute('2/s')).toBe(120);
    expect(parseRatePerMinute('90/h')).toBe(1.5);
    expect(parseRatePerMinute('0.5/min')).toBe(0.5);
    expect(formatRate(1.5)).toBe('1.5/min');
  });

  it('refuses anything else, and zero', () => {
    for (const text of ['60', '60/m', '60 per minute', '-1/min', '0/min', '0.0/s', '/min', '1e3/min']) {
      expect(parseRatePerMinute(text), text).toBeUndefined();
    }
  });
});
