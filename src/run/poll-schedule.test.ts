import { describe, expect, it } from 'vitest';
import { pollDelayMs } from './poll-schedule.js';

const cadence = { initialMs: 5000, maxMs: 30_000 };
const none = () => 0; // no jitter

describe('pollDelayMs', () => {
  it('starts at initial and grows ×1.5 up to max', () => {
    const delays = Array.from({ length: 8 }, (_, attempt) => pollDelayMs(attempt, cadence, none));
    expect(delays).toEqual([5000, 7500, 11250, 16875, 25313, 30000, 30000, 30000]);
  });

  it('jitters up to 5% later, never earlier than the cadence', () => {
    expect(pollDelayMs(0, cadence, () => 0)).toBe(5000);
    expect(pollDelayMs(0, cadence, () => 0.999999)).toBe(5250);
    expect(pollDelayMs(1, cadence, () => 0.4)).toBe(7650);
  });

  it("follows the provider's hint, kept within bounds", () => {
    expect(pollDelayMs(3, cadence, none, 1200)).toBe(1200);
    expect(pollDelayMs(3, cadence, none, 0)).toBe(50);
    expect(pollDelayMs(3, cadence, none, 120_000)).toBe(30_000);
  });
});
