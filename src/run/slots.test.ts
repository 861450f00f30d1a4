import { describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { JobSlots } from './slots.js';

describe('JobSlots', () => {
  it('caps jobs in flight per provider and overall', async () => {
    const slots = new JobSlots(3, new Map([['a', 2], ['b', 2]]));
    const inFlight = { a: 0, b: 0, all: 0 };
    const peak = { a: 0, b: 0, all: 0 };
    const job = (provider: 'a' | 'b') =>
      slots.run(provider, async () => {
        inFlight[provider]++;
        inFlight.all++;
        peak[provider] = Math.max(peak[provider], inFlight[provider]);
        peak.all = Math.max(peak.all, inFlight.all);
        await delay(5);
        inFlight[provider]--;
        inFlight.all--;
      });
    await Promise.all([...Array.from({ length: 10 }, () => job('a')), ...Array.from({ length: 10 }, () => job('b'))]);
    expect(peak.a).toBe(2);
    expect(peak.b).toBe(2);
    expect(peak.all).toBe(3);
    expect(slots.peak).toBe(3);
  });

  it('does not let a busy provider hold global slots another provider could use', async () => {
    const slots = new JobSlots(2, new Map([['slow', 1], ['fast', 2]]));
    const order: string[] = [];
    const slow = Array.from({ length: 3 }, () => slots.run('slow', () => delay(30).then(() => order.push('slow'))));
    const fast = slots.run('fast', () => delay(1).then(() => order.push('fast')));
    await Promise.all([...slow, fast]);
    expect(order[0]).toBe('fast');
  });
});
