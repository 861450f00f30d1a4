import { describe, expect, it } from 'vitest';
import { compileSelector, globToRegExp } from './selectors.js';

describe('selectors', () => {
  it('turns globs into anchored expressions with everything else literal', () => {
    expect(globToRegExp('hero-*').test('hero-shot')).toBe(true);
    expect(globToRegExp('hero-*').test('the-hero-shot')).toBe(false);
    expect(globToRegExp('shot-?').test('shot-1')).toBe(true);
    expect(globToRegExp('shot-?').test('shot-10')).toBe(false);
    expect(globToRegExp('a.b*').test('axb')).toBe(false);
    expect(globToRegExp('(a)+[b]{2}$^|\\*').test('(a)+[b]{2}$^|\\x')).toBe(true);
  });

  it('matches ids exactly, globs by id, tags by tag', () => {
    const shot = { id: 'cafe-vertical', tags: ['social', 'q4'] };
    expect(compileSelector('cafe-vertical').matchesShot(shot)).toBe(true);
    expect(compileSelector('cafe').matchesShot(shot)).toBe(false);
    expect(compileSelector('cafe-*').matchesShot(shot)).toBe(true);
    expect(compileSelector('tag:social').matchesShot(shot)).toBe(true);
    expect(compileSelector('tag:soc*').matchesShot(shot)).toBe(false);
    expect(compileSelector('tag:social').matchesId('social')).toBe(false);
    expect(compileSelector('cafe-*').matchesId('cafe-old')).toBe(true);
  });
});
