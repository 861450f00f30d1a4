/**
 * Field-level differences between the spec recorded in the lock and the manifest's spec:
 * what a reviewer reads under `~ hero-shot` (`prompt: "a" → "b"`). Options are compared
 * key by key (`options.seed`), because they are the provider's own bag of settings.
 */
import { LOCK_KEYS } from '../lock/schema.js';
import type { Spec } from '../manifest/types.js';
import type { FieldChange } from './types.js';
import { compareOrdinal } from '../util/compare.js';

/** Spec fields in the order the lock writes them (options last, key by key); unknown ones follow, sorted. */
const SPEC_FIELD_ORDER = LOCK_KEYS.spec.filter((field) => field !== 'options');

export function diffSpecs(from: Spec, to: Spec): FieldChange[] {
  const before = from as unknown as Record<string, unknown>;
  const after = to as unknown as Record<string, unknown>;
  const changes: FieldChange[] = [];
  const known = new Set<string>([...SPEC_FIELD_ORDER, 'options']);
  const extra = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !known.has(key)).sort(compareOrdinal);
  for (const field of [...SPEC_FIELD_ORDER, ...extra]) {
    pushIfChanged(changes, field, before[field], after[field]);
  }
  const fromOptions = asRecord(before.options);
  const toOptions = asRecord(after.options);
  const optionKeys = [...new Set([...Object.keys(fromOptions), ...Object.keys(toOptions)])].sort(compareOrdinal);
  for (const key of optionKeys) {
    pushIfChanged(changes, `options.${key}`, ownValue(fromOptions, key), ownValue(toOptions, key));
  }
  return changes;
}

function pushIfChanged(changes: FieldChange[], field: string, from: unknown, to: unknown): void {
  if (sameValue(from, to)) return;
  const change: FieldChange = { field };
  if (from !== undefined) change.from = from;
  if (to !== undefined) change.to = to;
  changes.push(change);
}

/** Equal as JSON values, whatever the key order of nested objects. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  return leftKeys.length === rightKeys.length && leftKeys.every((key) => Object.hasOwn(right, key) && sameValue(left[key], right[key]));
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function ownValue(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

