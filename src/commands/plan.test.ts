import { describe, expect, it } from 'vitest';
import { selectorsFromFlags } from './plan.js';

describe('selectorsFromFlags', () => {
  it('passes selectors through, with defaults', () => {
    expect(selectorsFromFlags({})).toEqual({ only: [], replace: [], force: false });
    expect(selectorsFromFlags({ only: ['hero-*', 'tag:social'], replace: ['a'] })).toEqual({ only: ['hero-*', 'tag:social'], replace: ['a'], force: false });
  });

  it('takes --force with --replace: --replace names approved takes --force would pass by', () => {
    expect(selectorsFromFlags({ force: true, replace: ['a'] })).toEqual({ only: [], replace: ['a'], force: true });
  });

  it('refuses an empty selector (an unset shell variable, say) instead of matching nothing or everything', () => {
    for (const flags of [{ only: [''] }, { only: ['a', '  '] }, { replace: ['tag:'] }, { only: [' tag: '] }]) {
      expect(() => selectorsFromFlags(flags), JSON.stringify(flags)).toThrow(/empty selector/);
    }
  });
});
