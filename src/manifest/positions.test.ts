import { describe, expect, it } from 'vitest';
import { formatPath, positionOfOffset, SourceLocator } from './positions.js';

describe('formatPath', () => {
  it('writes paths the way users read them', () => {
    expect(formatPath(['shots', 2, 'prompt'])).toBe('shots[2].prompt');
    expect(formatPath(['providers', 'hx', 'base_url'])).toBe('providers.hx.base_url');
    expect(formatPath(['shots', 0, 'options', 'camera fixed'])).toBe('shots[0].options["camera fixed"]');
    expect(formatPath(['providers', 'my.provider'])).toBe('providers["my.provider"]');
    expect(formatPath([])).toBe('');
  });
});

describe('SourceLocator', () => {
  const text = `version: 1
shots:
  - id: a
    prompt:
  - id: b
    options: {seed: 1}
`;
  const locator = new SourceLocator(text);

  it('points at values, keys, and the map a key is missing from', () => {
    expect(locator.locate(['shots', 0, 'id'])).toEqual({ line: 3, col: 9 });
    expect(locator.locate(['shots', 0, 'id'], 'key')).toEqual({ line: 3, col: 5 });
    expect(locator.locate(['shots', 1, 'prompt'])).toEqual({ line: 5, col: 5 });
    expect(locator.locate(['shots', 1, 'options', 'seed'])).toEqual({ line: 6, col: 21 });
    expect(locator.locate(['shots', 7])).toEqual({ line: 3, col: 3 });
  });

  it('points at the key of an empty value rather than past the end of the line', () => {
    expect(locator.locate(['shots', 0, 'prompt'])).toEqual({ line: 4, col: 5 });
  });
});

describe('positionOfOffset', () => {
  it('counts lines and columns from 1', () => {
    expect(positionOfOffset('ab\ncd', 0)).toEqual({ line: 1, col: 1 });
    expect(positionOfOffset('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
  });
});
