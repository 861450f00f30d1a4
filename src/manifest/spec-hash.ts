import { createHash } from 'node:crypto';
import { compareOrdinal } from '../util/compare.js';
import type { Spec } from './types.js';

/**
 * Canonical JSON in the spirit of RFC 8785 (JCS): object keys sorted by UTF-16 code
 * units (plain `<` comparison, never localeCompare, which depends on the ICU locale),
 * no whitespace, ECMAScript number and string serialisation (what JSON.stringify does),
 * undefined object members dropped. Non-finite numbers and non-JSON values are refused:
 * a hash must never silently depend on how they would have been coerced.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${where} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? serialiseArray(value, where) : serialiseObject(value as Record<string, unknown>, where);
    default:
      throw new TypeError(`canonicalJson: ${where} is a ${typeof value}, which JSON cannot hold`);
  }
}

function serialiseArray(items: readonly unknown[], where: string): string {
  // Like JSON.stringify: an undefined array element becomes null (positions matter).
  const parts = items.map((item, index) => (item === undefined ? 'null' : serialise(item, `${where}[${index}]`)));
  return `[${parts.join(',')}]`;
}

function serialiseObject(object: Record<string, unknown>, where: string): string {
  const keys = Object.keys(object).sort(compareOrdinal);
  const parts: string[] = [];
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${serialise(member, `${where}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` of the spec's canonical JSON: the identity of a generated video. */
export function specHash(spec: Spec): string {
  return `sha256:${sha256Hex(canonicalJson(spec))}`;
}
