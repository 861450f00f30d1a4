import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationMs } from './duration.js';

describe('durations', () => {
  it('parses the manifest forms', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('5s')).toBe(5000);
    expect(parseDurationMs('15m')).toBe(900_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs(5)).toBe(5000);
    expect(parseDurationMs('5')).toBe(5000);
    expect(parseDurationMs('5 minutes')).toBeUndefined();
    expect(parseDurationMs(-1)).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(3000)).toBe('3s');
    expect(formatDuration(151_000)).toBe('2m31s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});
