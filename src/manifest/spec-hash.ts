import { hash } from 'node:crypto';
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
  try {
    return serialise(value);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    // Where the value sits is worked out only now: building each member's path as we went was
    // a string per member of every spec, for a message almost never shown.
    throw new TypeError(`canonicalJson: ${pathTo(value, error.value) ?? '$'} is ${error.what}, which JSON cannot hold`);
  }
}

/** A value canonicalJson refuses; canonicalJson names where it is. */
class NotJson extends Error {
  constructor(
    readonly value: unknown,
    readonly what: string,
  ) {
    super(what);
  }
}

function serialise(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson(value, String(value));
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? serialiseArray(value) : serialiseObject(value as Record<string, unknown>);
    default:
      throw new NotJson(value, `a ${typeof value}`);
  }
}

function serialiseArray(items: readonly unknown[]): string {
  // Like JSON.stringify: an undefined array element becomes null (positions matter).
  const parts = items.map((item) => (item === undefined ? 'null' : serialise(item)));
  return `[${parts.join(',')}]`;
}

function serialiseObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object).sort(compareOrdinal);
  const parts: string[] = [];
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${serialise(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The path (`$.options.fps`, `$[2]`) of the first place `target` sits in `value`, in serialising order. */
function pathTo(value: unknown, target: unknown, where = '$'): string | undefined {
  if (Object.is(value, target)) return where;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = pathTo(value[index], target, `${where}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value).sort(compareOrdinal)) {
    const found = pathTo((value as Record<string, unknown>)[key], target, `${where}.${key}`);
    if (found) return found;
  }
  return undefined;
}

export function sha256Hex(data: string | Uint8Array): string {
  // One call instead of a Hash object's three: half the time for the short texts of specs.
  return hash('sha256', data, 'hex');
}

/** `sha256:<hex>` of the spec's canonical JSON: the identity of a generated video. */
export function specHash(spec: Spec): string {
  return `sha256:${sha256Hex(canonicalJson(spec))}`;
}
