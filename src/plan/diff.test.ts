import { describe, expect, it } from 'vitest';
import { diffSpecs, sameValue } from './diff.js';
import type { Spec } from '../manifest/types.js';

const base: Spec = { provider: 'heygen', endpoint: 'https://api.heygen.com', model: 'veo_3_1', prompt: 'p' };

describe('diffSpecs', () => {
  it('is empty for equal specs, whatever the key order of nested options', () => {
    const a = { ...base, options: { camera: { move: 'dolly', speed: 1 }, seed: 1 } };
    const b = { ...base, options: { seed: 1, camera: { speed: 1, move: 'dolly' } } };
    expect(diffSpecs(a, b)).toEqual([]);
  });

  it('lists top-level fields in a fixed order, then options keys sorted', () => {
    const from: Spec = { ...base, options: { seed: 1, style: 'film', z: [1, 2] } };
    const to: Spec = { ...base, provider: 'openai-videos', prompt: 'q', aspect_ratio: '9:16', options: { seed: 2, a: true, z: [1, 2] } };
    expect(diffSpecs(from, to)).toEqual([
      { field: 'provider', from: 'heygen', to: 'openai-videos' },
      { field: 'prompt', from: 'p', to: 'q' },
      { field: 'aspect_ratio', to: '9:16' },
      { field: 'options.a', to: true },
      { field: 'options.seed', from: 1, to: 2 },
      { field: 'options.style', from: 'film' },
    ]);
  });

  it('compares JSON values structurally', () => {
    expect(sameValue([1, { a: 2 }], [1, { a: 2 }])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameValue({ a: 1 }, [1])).toBe(false);
    expect(sameValue(null, {})).toBe(false);
  });
});
