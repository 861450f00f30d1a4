import { describe, expect, it } from 'vitest';
import { SubmissionRate } from './submission-rate.js';

describe('SubmissionRate', () => {
  it('spaces submissions evenly, with a burst of at most one second’s worth', () => {
    let now = 0;
    const oneASecond = new SubmissionRate(60, () => now);
    expect([oneASecond.reserve(), oneASecond.reserve(), oneASecond.reserve()]).toEqual([0, 1000, 2000]);

    const tenASecond = new SubmissionRate(600, () => now);
    const waits = Array.from({ length: 12 }, () => tenASecond.reserve());
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10)).toEqual([100, 200]);

    // Time that passes without submissions refills the burst, but never beyond it.
    now = 60_000;
    const later = Array.from({ length: 11 }, () => tenASecond.reserve());
    expect(later.filter((wait) => wait === 0)).toHaveLength(10);
  });

  it('never lets more than N go out in any minute (give or take one second’s worth)', () => {
    let now = 0;
    const rate = new SubmissionRate(120, () => now);
    const sentAt: number[] = [];
    for (let i = 0; i < 500; i++) {
      const wait = rate.reserve();
      sentAt.push(now + wait);
      now += Math.floor(i % 7) * 37; // callers arrive unevenly
    }
    for (const start of sentAt) {
      const inWindow = sentAt.filter((t) => t >= start && t < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(120 + 2);
    }
  });

  it('gives up a turn when stopped, and tells the first hold apart', async () => {
    const rate = new SubmissionRate(60);
    const holds: boolean[] = [];
    expect(await rate.take(new AbortController().signal, (_ms, first) => holds.push(first))).toBe(true);
    const stop = new AbortController();
    const waiting = rate.take(stop.signal, (_ms, first) => holds.push(first));
    stop.abort();
    expect(await waiting).toBe(false);
    expect(holds).toEqual([true]);
    expect(await rate.take(stop.signal)).toBe(false);
  });
});
