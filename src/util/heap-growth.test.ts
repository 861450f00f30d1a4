import { describe, expect, it } from 'vitest';
import { heapGrowthFlag, LARGE_RUN_SHOTS } from './heap-growth.js';

describe('heapGrowthFlag', () => {
  it('bounds the heap growth of a large run only', () => {
    expect(heapGrowthFlag(LARGE_RUN_SHOTS - 1, [], undefined)).toBeUndefined();
    expect(heapGrowthFlag(LARGE_RUN_SHOTS, [], undefined)).toBe('--heap-growing-percent=50');
    expect(heapGrowthFlag(100_000, ['--enable-source-maps'], '--no-warnings')).toBe('--heap-growing-percent=50');
  });

  it("leaves a heap setting of the user's own alone, on the command line or in NODE_OPTIONS", () => {
    expect(heapGrowthFlag(100_000, ['--max-old-space-size=640'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(100_000, [], '--max-heap-size=2048')).toBeUndefined();
    expect(heapGrowthFlag(100_000, [], '--enable-source-maps --heap-growing-percent=20')).toBeUndefined();
  });
});
