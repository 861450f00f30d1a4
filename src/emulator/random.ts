/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough to decide faults reproducibly. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One independent stream per purpose (`fail`, `drop`, …), so that turning one knob on
 * does not shift the decisions of another: with the same seed and the same requests,
 * a failing job stays failing whether or not rate limiting is also enabled.
 * Without a seed every stream is Math.random.
 */
export function randomStream(seed: number | undefined, purpose: string): Random {
  if (seed === undefined) return Math.random;
  return mulberry32(hashString(`${seed}:${purpose}`));
}

/** True with probability `rate`; draws nothing when the rate is 0 or 1. */
export function chance(random: Random, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return random() < rate;
}

/** An integer in [min, max], inclusive. */
export function between(random: Random, min: number, max: number): number {
  if (max <= min) return min;
  return min + Math.floor(random() * (max - min + 1));
}

/** FNV-1a, 32 bits. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
