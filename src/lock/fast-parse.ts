/**
 * A reader for exactly the text serializeLock writes, and nothing more. The yaml library
 * needs seconds for a 10,000-shot lock; this needs milliseconds. It is only trusted when
 * serialising its result gives back the very same text (read.ts checks), so any file a
 * person or another tool reshaped goes to the full YAML parser instead, with positions.
 */
import { LOCK_HEADER } from './serialize.js';

class NotCanonical extends Error {}

/** The plain value of canonical lock text, or undefined when the text is not in canonical form. */
export function parseCanonicalLock(text: string): unknown {
  if (!text.startsWith(`${LOCK_HEADER}\n`)) return undefined;
  const lines = text.slice(LOCK_HEADER.length + 1).split('\n');
  if (lines.pop() !== '') return undefined;
  const cursor = { lines, index: 0 };
  try {
    const value = parseBlockMap(cursor, 0);
    return cursor.index === lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof NotCanonical || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

interface Cursor {
  lines: string[];
  index: number;
}

function parseBlockMap(cursor: Cursor, indent: number): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  let count = 0;
  while (cursor.index < cursor.lines.length) {
    const line = cursor.lines[cursor.index] as string;
    const lineIndent = countLeadingSpaces(line);
    if (lineIndent < indent) break;
    if (lineIndent > indent) throw new NotCanonical();
    const { key, rest } = splitKeyLine(line.slice(indent));
    cursor.index += 1;
    if (Object.hasOwn(map, key)) throw new NotCanonical();
    const value = rest === undefined ? parseBlockMap(cursor, indent + 2) : parseWholeValue(rest);
    setOwn(map, key, value);
    count += 1;
  }
  if (count === 0) throw new NotCanonical();
  return map;
}

function splitKeyLine(text: string): { key: string; rest: string | undefined } {
  let key: string;
  let after: number;
  if (text.startsWith('"')) {
    const end = endOfQuoted(text, 0);
    key = JSON.parse(text.slice(0, end)) as string;
    after = end;
  } else {
    const colonSpace = text.indexOf(': ');
    after = colonSpace >= 0 ? colonSpace : text.length - 1;
    key = text.slice(0, after);
  }
  if (text[after] !== ':') throw new NotCanonical();
  if (after + 1 === text.length) return { key, rest: undefined };
  if (text[after + 1] !== ' ') throw new NotCanonical();
  return { key, rest: text.slice(after + 2) };
}

function parseWholeValue(text: string): unknown {
  if (text.startsWith('"') || text.startsWith('{') || text.startsWith('[')) {
    const [value, end] = parseFlow(text, 0);
    if (end !== text.length) throw new NotCanonical();
    return value;
  }
  return plainValue(text);
}

function parseFlow(text: string, start: number): [unknown, number] {
  const first = text[start];
  if (first === '"') {
    const end = endOfQuoted(text, start);
    return [JSON.parse(text.slice(start, end)), end];
  }
  if (first === '{') return parseFlowMap(text, start);
  if (first === '[') return parseFlowSeq(text, start);
  let end = start;
  while (end < text.length && !isFlowTerminator(text, end)) end += 1;
  return [plainValue(text.slice(start, end)), end];
}

function parseFlowMap(text: string, start: number): [Record<string, unknown>, number] {
  const map: Record<string, unknown> = {};
  if (text.startsWith('{}', start)) return [map, start + 2];
  if (!text.startsWith('{ ', start)) throw new NotCanonical();
  let pos = start + 2;
  for (;;) {
    let key: string;
    if (text[pos] === '"') {
      const end = endOfQuoted(text, pos);
      key = JSON.parse(text.slice(pos, end)) as string;
      pos = end;
    } else {
      const end = text.indexOf(':', pos);
      if (end < 0) throw new NotCanonical();
      key = text.slice(pos, end);
      pos = end;
    }
    if (!text.startsWith(': ', pos) || Object.hasOwn(map, key)) throw new NotCanonical();
    const [value, end] = parseFlow(text, pos + 2);
    setOwn(map, key, value);
    pos = end;
    if (text.startsWith(' }', pos)) return [map, pos + 2];
    if (!text.startsWith(', ', pos)) throw new NotCanonical();
    pos += 2;
  }
}

function parseFlowSeq(text: string, start: number): [unknown[], number] {
  const items: unknown[] = [];
  if (text.startsWith('[]', start)) return [items, start + 2];
  if (!text.startsWith('[ ', start)) throw new NotCanonical();
  let pos = start + 2;
  for (;;) {
    const [value, end] = parseFlow(text, pos);
    items.push(value);
    pos = end;
    if (text.startsWith(' ]', pos)) return [items, pos + 2];
    if (!text.startsWith(', ', pos)) throw new NotCanonical();
    pos += 2;
  }
}

/** A plain flow scalar ends at `,` or at the space before `}` / `]`. */
function isFlowTerminator(text: string, pos: number): boolean {
  const ch = text[pos];
  if (ch === ',' || ch === '}' || ch === ']') return true;
  const next = text[pos + 1];
  return ch === ' ' && (next === '}' || next === ']');
}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

/** Plain scalars the writer produces: numbers, true/false/null, and strings that look like none of those. */
function plainValue(text: string): unknown {
  if (text === '') throw new NotCanonical();
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (NUMBER.test(text)) return Number(text);
  return text;
}

/** Index just past the closing quote of the JSON-style string starting at `start`. */
function endOfQuoted(text: string, start: number): number {
  let pos = start + 1;
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '\\') pos += 2;
    else if (ch === '"') return pos + 1;
    else pos += 1;
  }
  throw new NotCanonical();
}

function countLeadingSpaces(line: string): number {
  let count = 0;
  while (line.charCodeAt(count) === 32) count += 1;
  return count;
}

/** Plain assignment would turn a `__proto__` key into a prototype change instead of data. */
function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
