import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatBlockValue, formatFlowValue, isPlainSafe } from './yaml-scalars.js';

/** Small deterministic PRNG so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a', 'Z', '0', '1', '9', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '?', ',', '[', ']', '{', '}', '"', "'", '\\',
  '\n', '\t', '\r', '&', '*', '!', '|', '>', '%', '@', '`', '.', 'e', 'x', 'o', 'b', '_', '+', '~', 'yes', 'no', 'null',
  'true', 'on', '<<', '=', '2026-01-02', 'T10:00:00Z', 'é', '東', '🎬', '\u0000', '\u0085', '\u2028', '\ufeff', '\u200d',
];

function randomString(next: () => number): string {
  const count = Math.floor(next() * 6);
  let text = '';
  for (let i = 0; i < count; i += 1) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('yaml scalars', () => {
  it('every string written reads back identically under YAML 1.2 and as a string under YAML 1.1', () => {
    const next = mulberry32(42);
    for (let i = 0; i < 5000; i += 1) {
      const text = randomString(next);
      const block = `key: ${formatBlockValue(text)}\n`;
      expect(parseYaml(block, { version: '1.2' }), JSON.stringify(text)).toEqual({ key: text });
      expect(parseYaml(block, { version: '1.1' }), JSON.stringify(text)).toEqual({ key: text });
      const flow = `key: ${formatFlowValue({ [text]: [text, { k: text }] })}\n`;
      expect(parseYaml(flow, { version: '1.2' }), JSON.stringify(text)).toEqual({ key: { [text]: [text, { k: text }] } });
    }
  });

  it('leaves ordinary text unquoted', () => {
    for (const text of ['coastal-city', 'out/coastal-city.mp4', 'https://api.heygen.com', 'Drone shot, at dusk', 'veo-3.1', '01-intro', 'a'.repeat(64), '8534436256e4310523b3']) {
      expect(isPlainSafe(text, false), text).toBe(true);
    }
  });

  it('quotes what YAML would read as another type', () => {
    for (const text of ['16:9', '1e5', '0x1F', '0o17', '012', '1_000', '.5', '.inf', 'yes', 'No', 'on', 'null', '~', '2026-11-21', '2026-11-21T10:00:00Z', '<<', '=', '']) {
      expect(isPlainSafe(text, false), text).toBe(false);
    }
  });
});
