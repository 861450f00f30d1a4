import { describe, expect, it } from 'vitest';
import { sleepUnlessStopped } from './sleep.js';

describe('sleepUnlessStopped', () => {
  it('says false when the time passed and true when the signal cut it short', async () => {
    const controller = new AbortController();
    expect(await sleepUnlessStopped(1, controller.signal)).toBe(false);
    const cut = sleepUnlessStopped(60_000, controller.signal);
    controller.abort();
    expect(await cut).toBe(true);
    expect(await sleepUnlessStopped(60_000, controller.signal)).toBe(true);
  });
});
