import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { selectorsFromFlags } from './plan.js';

describe('selectorsFromFlags', () => {
  it('passes selectors through, with defaults', () => {
    expect(selectorsFromFlags({})).toEqual({ only: [], replace: [], force: false });
    expect(selectorsFromFlags({ only: ['hero-*', 'tag:social'], replace: ['a'] })).toEqual({ only: ['hero-*', 'tag:social'], replace: ['a'], force: false });
  });

  it('refuses --force with --replace', () => {
    expect(() => selectorsFromFlags({ force: true, replace: ['a'] })).toThrow(UsageError);
  });

  it('refuses an empty selector (an unset shell variable, say) instead of matching nothing or everything', () => {
    for (const flags of [{ only: [''] }, { only: ['a', '  '] }, { replace: ['tag:'] }, { only: [' tag: '] }]) {
      expect(() => selectorsFromFlags(flags), JSON.stringify(flags)).toThrow(/empty selector/);
    }
  });
});
