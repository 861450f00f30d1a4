import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { mulberry32, type Random } from '../emulator/random.js';
import { YAML_PARSE_OPTIONS } from '../manifest/yaml-source-options.js';
import { loadYamlFast } from './yaml-load.js';

/** The fast path's contract: refuse, or agree exactly with `yaml` (as manifests and locks are read) on an error-free document. */
function expectAgreesWithYaml(text: string): boolean {
  const fast = loadYamlFast(text);
  if (fast === undefined) return false;
  for (const options of [YAML_PARSE_OPTIONS, { version: '1.2' as const, uniqueKeys: true, strict: true }]) {
    const doc = parseDocument(text, options);
    expect(doc.errors.map((e) => e.message), JSON.stringify(text)).toEqual([]);
    expect(doc.warnings.map((e) => e.message), JSON.stringify(text)).toEqual([]);
    expect(fast.value, JSON.stringify(text)).toEqual(doc.toJS());
  }
  return true;
}

// What manifests and locks are made of: js-yaml reads them (the fast path is the common path).
const ACCEPTED = [
  'version: 1\nshots:\n  - id: a\n    prompt: Drone shot, golden hour\n',
  'version: 1\nshots:\n- id: a\n  prompt: x\n- id: b\n  tags: [social, "x y", \'q\']\n',
  '# comment\n---\nversion: 1 # trailing\n\nshots:\n  # inside\n  - id: a\n\n    prompt: "quoted \\"x\\" \\u00e9\\n"\n',
  'a:\n  b:\n    c: 1\n  d: [1, 2.5, true, null, ~, 0x1F, 0o17, 1e3, .inf, .nan]\n',
  'a: |\n  line one\n  line two\n\n  after blank\nb: 2\n',
  'a: |-\n  strip\n\n\nb: |+\n  keep\n\n\nc: >\n  folded\n  lines\n\n  para\n',
  'k: {}\nj: []\nl: [ ]\nm: { }\n',
  'providers:\n  hg: { type: heygen }\n  hx: {type: openai-videos, concurrency: 2, base_url: "https://x.y/v1"}\n',
  'm: {a: "x, y", b: \'}\', c: null, d: 1.5, e: true, f: {g: [1, {h: 2}]}}\n',
  'a: 16:9\nb: 1280x720\nc: -5\nd: +5\ne: 007\nf: 1.50\ng: True\nh: NULL\ni: yes\nj: 1_000\nk: 2026-01-01\n',
  'a:\r\n  b: 1\r\n',
  'a: "multi\n  line"\nb: plain\n  continued\n',
  '"quoted key": 1\n\'single\': 2\n__proto__: x\n',
  'a: "\\x41\\t\\u00e9"\n',
  '<<: {a: 1}\nb: 2\n',
];

// Refused by the fast path, so the `yaml` path decides (and locates what is wrong).
const REFUSED = [
  '',
  '# only a comment\n',
  'a: &anchor 1\nb: *anchor\n',
  'a: !tag x\n',
  'a: !!timestamp 2026-01-01\n',
  'a: !!binary aGk=\n',
  'a: 1\na: 2\n',
  'a: {b: 1, b: 2}\n',
  'a:\n\tb: 1\n',
  'a: 1\n---\nb: 2\n',
  '%YAML 1.1\n---\na: yes\n',
  '1: one\n',
  'true: yes\n',
  '~: x\n',
  '? [complex]\n: key\n',
  'a: b: c\n',
  'a: 1\n- b\n',
  'a: "unclosed\n',
  'a: 1\rb: 2\n',
  ' ---\nb: {}\n',
  'a:\n- \'\'    b: true\n',
  'id:\n- []ompt: x\n',
  'a: &x b: 1\n',
  `a: ${'['.repeat(200)}${']'.repeat(200)}\n`,
];

describe('loadYamlFast', () => {
  it.each(ACCEPTED)('reads and agrees with yaml: %j', (text) => {
    expect(expectAgreesWithYaml(text)).toBe(true);
  });

  it.each(REFUSED)('refuses %j', (text) => {
    expect(loadYamlFast(text)).toBeUndefined();
  });

  it('agrees with yaml or refuses on thousands of generated and mutated documents', () => {
    const random = mulberry32(20251121);
    let accepted = 0;
    for (let round = 0; round < 1500; round++) {
      const text = generateDocument(random);
      if (expectAgreesWithYaml(text)) accepted++;
      for (let m = 0; m < 3; m++) expectAgreesWithYaml(mutate(text, random));
    }
    // Most generated documents are plain YAML: make sure the fast path is really exercised.
    expect(accepted).toBeGreaterThan(1000);
  });
});

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const KEYS = ['id', 'prompt', 'tags', 'a', 'b_c', 'x.y', 'k-9', 'seed', 'model'];
const SCALARS = [
  'plain text',
  'text, with commas',
  '16:9',
  'https://example.com/a.png',
  '42',
  '-3',
  '1.5',
  '1e3',
  'true',
  'False',
  'null',
  '~',
  '0x1f',
  '0o17',
  '.inf',
  '"double \\"quoted\\" \\u00e9"',
  "'single ''quoted'''",
  '""',
  "''",
  '[a, b, 3]',
  '[]',
  '{}',
  '{a: 1, b: "x, y"}',
  '{ k: v, seed: -3 }',
  '{x: [1]}',
  'x # comment',
  'a#b',
  '-dash',
  '!!str 12',
  '&a x',
  '*a',
  '2026-01-01',
  '1_000',
  'yes',
  '<<',
  'é 漢字 🎬',
];

function generateDocument(random: Random): string {
  const indentUnit = pick(random, [2, 4]);
  const lines: string[] = [];
  if (random() < 0.2) lines.push('# header comment');
  if (random() < 0.1) lines.push('---');
  generateMap(random, 0, indentUnit, lines, 0);
  return `${lines.join('\n')}\n`;
}

function generateMap(random: Random, indent: number, unit: number, lines: string[], depth: number, firstPrefix?: string): void {
  const count = 1 + Math.floor(random() * 4);
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const key = pick(random, KEYS);
    if (used.has(key)) continue;
    used.add(key);
    const pad = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
    if (random() < 0.1) lines.push(`${' '.repeat(indent)}# comment`);
    if (random() < 0.1) lines.push('');
    const kind = depth >= 3 ? 0 : Math.floor(random() * 6);
    if (kind <= 2) {
      lines.push(`${pad}${key}: ${pick(random, SCALARS)}`);
    } else if (kind === 3) {
      lines.push(`${pad}${key}:`);
      generateMap(random, indent + unit, unit, lines, depth + 1);
    } else if (kind === 4) {
      lines.push(`${pad}${key}:`);
      generateSequence(random, random() < 0.5 ? indent : indent + unit, unit, lines, depth + 1);
    } else {
      const header = pick(random, ['|', '|-', '|+', '>', '>-', '>+']);
      lines.push(`${pad}${key}: ${header}`);
      const body = 1 + Math.floor(random() * 3);
      for (let j = 0; j < body; j++) {
        lines.push(random() < 0.2 && j > 0 ? '' : `${' '.repeat(indent + unit)}${pick(random, ['words here', 'more: text', '# not a comment', 'x'])}`);
      }
      if (random() < 0.3) lines.push('');
    }
  }
}

function generateSequence(random: Random, indent: number, unit: number, lines: string[], depth: number): void {
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const pad = ' '.repeat(indent);
    const kind = depth >= 3 ? 0 : Math.floor(random() * 3);
    if (kind === 0) lines.push(`${pad}- ${pick(random, SCALARS)}`);
    else if (kind === 1) generateMap(random, indent + 2, unit, lines, depth + 1, `${pad}- `);
    else {
      lines.push(`${pad}-`);
      generateMap(random, indent + unit, unit, lines, depth + 1);
    }
  }
}

const MUTATION_SNIPPETS = [' ', '  ', '-', ':', '#', '"', "'", '|', '>', '[', ']', '{', '}', '&a', '*a', '!', '\t', '\n', '? ', ': ', '- ', ',', '\\', '---', '\r'];

function mutate(text: string, random: Random): string {
  const at = Math.floor(random() * (text.length + 1));
  const choice = random();
  if (choice < 0.4) return text.slice(0, at) + pick(random, MUTATION_SNIPPETS) + text.slice(at);
  if (choice < 0.7) return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
  const lines = text.split('\n');
  const i = Math.floor(random() * lines.length);
  const j = Math.floor(random() * lines.length);
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join('\n');
}
