/**
 * Deterministic lockfile text, after pnpm's lockfile writer: a fixed key order, ids in
 * ordinal order, undefined fields left out, nothing folded. The same Lock always gives the
 * same bytes, so an unchanged lock is never rewritten and git diffs show only real changes.
 *
 * The text is written by hand rather than through the yaml library's stringifier: the
 * structure is fixed, and for 10,000 shots the library takes seconds per write while this
 * takes milliseconds (the executor writes the lock after every transition). Every string
 * goes through yaml-scalars.ts, and tests check the yaml library reads each output back
 * to the object it came from.
 */
import type { Lock, LockEntry } from './types.js';
import { LOCK_KEYS } from './schema.js';
import { compareOrdinal } from '../util/compare.js';
import { definedKeys, formatBlockValue, formatFlowValue, formatKey } from './yaml-scalars.js';

export const LOCK_HEADER = '# videogen lockfile: generated, commit it with the manifest; do not edit by hand';

/** Entry fields written on one line as `{ … }`: small fixed records, one line each in a diff. */
const FLOW_FIELDS: ReadonlySet<string> = new Set(['output', 'reused_from', 'remote', 'cost']);

export function serializeLock(lock: Lock): string {
  const ids = definedKeys(lock.shots).sort(compareOrdinal);
  return assembleLock(ids.map((id) => serializeEntry(id, lock.shots[id] as LockEntry)));
}

/**
 * One shot's block of lines (no trailing newline). The lock text is the header plus these
 * blocks in id order, so a writer that keeps the blocks of unchanged entries only
 * re-serialises what changed.
 */
export function serializeEntry(id: string, entry: LockEntry): string {
  const lines = [`  ${formatKey(id)}:`];
  writeEntry(lines, entry);
  return lines.join('\n');
}

/** The whole lock text from entry blocks already sorted by ordinal id. */
export function assembleLock(sortedEntryBlocks: readonly string[]): string {
  const head = `${LOCK_HEADER}\nversion: 1\n`;
  if (sortedEntryBlocks.length === 0) return `${head}shots: {}\n`;
  return `${head}shots:\n${sortedEntryBlocks.join('\n')}\n`;
}

function writeEntry(lines: string[], entry: LockEntry): void {
  const record = entry as unknown as Record<string, unknown>;
  for (const key of orderedKeys(record, LOCK_KEYS.entry)) {
    const value = record[key];
    if (key === 'spec') {
      writeBlockMap(lines, 4, key, value, LOCK_KEYS.spec);
    } else if (key === 'error') {
      writeBlockMap(lines, 4, key, value, LOCK_KEYS.error);
    } else if (FLOW_FIELDS.has(key) && isRecord(value)) {
      const order = LOCK_KEYS[key as 'output' | 'reused_from' | 'remote' | 'cost'];
      lines.push(`    ${formatKey(key)}: ${formatFixedFlowMap(value, order)}`);
    } else {
      lines.push(`    ${formatKey(key)}: ${formatBlockValue(value)}`);
    }
  }
}

/** `key:` then its fields one per line, known ones in `order`; `options` nested one level more. */
function writeBlockMap(lines: string[], indent: number, key: string, value: unknown, order: readonly string[]): void {
  const pad = ' '.repeat(indent);
  if (!isRecord(value)) {
    lines.push(`${pad}${formatKey(key)}: ${formatBlockValue(value)}`);
    return;
  }
  const keys = orderedKeys(value, order);
  if (keys.length === 0) {
    lines.push(`${pad}${formatKey(key)}: {}`);
    return;
  }
  lines.push(`${pad}${formatKey(key)}:`);
  const inner = ' '.repeat(indent + 2);
  for (const field of keys) {
    const fieldValue = value[field];
    if (field === 'options' && key === 'spec' && isRecord(fieldValue)) {
      // Options are the provider's own keys: sorted ordinally, one per line so a diff shows which changed.
      writeBlockMap(lines, indent + 2, field, fieldValue, []);
    } else {
      lines.push(`${inner}${formatKey(field)}: ${formatBlockValue(fieldValue)}`);
    }
  }
}

function formatFixedFlowMap(record: Record<string, unknown>, order: readonly string[]): string {
  const keys = orderedKeys(record, order);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((key) => `${formatFlowValue(key)}: ${formatFlowValue(record[key])}`).join(', ')} }`;
}

/**
 * The keys of `record` that are defined: those in `order` first, in that order, then any
 * others sorted ordinally. The schema refuses unknown keys on read, but writing them keeps
 * the data rather than dropping it silently.
 */
function orderedKeys(record: Record<string, unknown>, order: readonly string[]): string[] {
  const keys: string[] = [];
  for (const key of order) {
    if (record[key] !== undefined && Object.hasOwn(record, key)) keys.push(key);
  }
  // Usually every own key was in `order`; only otherwise (undefined values, unknown keys) look closer.
  if (Object.keys(record).length === keys.length) return keys;
  const present = definedKeys(record);
  const known = new Set(order);
  return [...keys, ...present.filter((key) => !known.has(key)).sort(compareOrdinal)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
