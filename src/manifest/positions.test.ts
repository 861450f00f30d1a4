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

describe('SourceLocator on a long manifest', () => {
  const shots = Array.from({ length: 2000 }, (_, i) => `  - id: shot-${i}\n    prompt: "Shot ${i}: a coastal city at dusk"\n`).join('');
  const text = `version: 1\nproviders:\n  hg:\n    type: heygen\n    concurrency: 4\ndefaults:\n  model: veo_3_1\nshots:\n${shots}output_dir: out\n`;

  it('finds what lies before `shots:` where the whole file would, without parsing the whole file', () => {
    const locator = new SourceLocator(text);
    const whole = new SourceLocator(text);
    whole.locate(['shots', 0]); // parses the whole file
    for (const [path, target] of [
      [['providers', 'hg', 'type'], 'value'],
      [['providers', 'hg', 'concurrency'], 'key'],
      [['defaults', 'model'], 'value'],
    ] as const) {
      expect(locator.locate(path, target)).toEqual(whole.locate(path, target));
    }
    expect(locator.locate(['providers', 'hg', 'type'])).toEqual({ line: 4, col: 11 });
    // A key after the shots, or missing from the head, is found in the whole file.
    expect(locator.locate(['output_dir'])).toEqual({ line: 4009, col: 13 });
    expect(locator.locate(['providers', 'hg', 'base_url'])).toEqual(whole.locate(['providers', 'hg', 'base_url']));
    expect(locator.locate(['shots', 1999, 'prompt'])).toEqual({ line: 4008, col: 13 });
  });
});

describe('positionOfOffset', () => {
  it('counts lines and columns from 1', () => {
    expect(positionOfOffset('ab\ncd', 0)).toEqual({ line: 1, col: 1 });
    expect(positionOfOffset('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
  });
});
