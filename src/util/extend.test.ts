import { describe, expect, it } from 'vitest';
import { extend } from './extend.js';

describe('extend', () => {
  it('is the object a spread would make: the same keys, in the same order, later ones winning', () => {
    const base = { id: 'a', state: 'submitted', job_id: 'j1' };
    const made = extend(base, { state: 'completed', output: 'out/a.mp4' });
    expect(made).toStrictEqual({ ...base, state: 'completed', output: 'out/a.mp4' });
    expect(Object.keys(made)).toEqual(['id', 'state', 'job_id', 'output']);
    expect(JSON.stringify(made)).toBe(JSON.stringify({ ...base, state: 'completed', output: 'out/a.mp4' }));
  });

  it('copies and never changes its arguments', () => {
    const base = { a: 1 };
    const fields = { b: 2 };
    const made = extend(base, fields);
    expect(made).not.toBe(base);
    expect(base).toEqual({ a: 1 });
    expect(fields).toEqual({ b: 2 });
  });

  it('keeps a "__proto__" key as data, as a spread does, instead of setting the prototype (as Object.assign would)', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const made = extend(parsed, { y: 2 });
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect((made as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(made)).toEqual(['__proto__', 'x', 'y']);
  });
});
