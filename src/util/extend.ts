/**
 * `{ ...base, ...fields }`: the same object, made so that objects made alike share one shape.
 *
 * On Node 20 (V8 11.3) an object literal that begins with a spread is cloned from the spread
 * object's hidden class, and each property added to the clone, in the literal or later, gives
 * that one object a hidden class of its own. 100,000 plan actions written as
 * `{ ...base, action, reason }` had 100,000 shapes, and every function that read them fell back
 * to V8's slowest property lookup: `plan` of 100,000 shots spent 480 ms planning instead of
 * 200 (BENCHMARKS.md, "Scale"). A literal that begins with anything else, here an empty spread,
 * is built property by property and shares shapes. Node 22 and later build both alike.
 *
 * For objects made per shot or per request; elsewhere a plain spread reads better.
 */
export function extend<T extends object, const U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return { ...NOTHING, ...base, ...fields };
}

const NOTHING: object = Object.freeze({});
