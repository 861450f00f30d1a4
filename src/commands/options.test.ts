import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePositiveInt } from './options.js';

describe('parsePositiveInt', () => {
  it('takes plain digits of at least 1', () => {
    expect(parsePositiveInt('1')).toBe(1);
    expect(parsePositiveInt('16')).toBe(16);
    expect(parsePositiveInt('007')).toBe(7);
  });

  it('refuses what Number() would quietly accept, and says what it got', () => {
    for (const value of ['0', '-1', 'abc', '', ' 8 ', '1e3', '0x10', '2.5', 'Infinity', '99999999999999999999']) {
      expect(() => parsePositiveInt(value), value).toThrow(InvalidArgumentError);
    }
    expect(() => parsePositiveInt('1e3')).toThrow('got "1e3"');
  });
});
