/**
 * How the lock writer spells one value in YAML. Strings stay plain (unquoted) when no YAML
 * reader could take them for anything else, and are double-quoted otherwise. "Any reader"
 * includes YAML 1.1 ones (PyYAML, Go yaml.v2), which would read `16:9` as 969, `yes` as true
 * and a timestamp as a date; quoting those costs nothing and keeps the lock portable.
 * Double-quoted strings are JSON strings (JSON is YAML 1.2), with the characters YAML wants
 * escaped escaped too, so every string fits on one line and nothing is ever folded.
 */
import { compareOrdinal } from '../util/compare.js';

// Characters YAML indicators give meaning to at the start of a plain scalar.
const UNSAFE_FIRST = /^[\s\-?:,[\]{}#&*!|>'"%@`]/;
// Control characters, YAML 1.1 line breaks, the BOM and non-characters: quoted and escaped.
const UNSAFE_ANYWHERE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// What YAML 1.2 core or YAML 1.1 readers resolve to a number, bool, null, timestamp, merge key…
// (the union of their patterns, a little generous; a hex digest or `01-intro` stays plain).
const LOOKS_TYPED = new RegExp(
  [
    /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/.source, // ints, decimals, floats, 1_000, "."
    /^[-+]?0[box][0-9a-fA-F_]+$/.source, // 0b101, 0o17, 0x1F
    /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.source, // YAML 1.1 base 60: 16:9, 1:20:30
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t]|$)/.source, // timestamps
    /^[-+]?\.[a-zA-Z]+$/.source, // .inf, .nan
    /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=)$/.source,
  ].join('|'),
);
const FLOW_INDICATORS = /[,[\]{}:]/;
const MAX_PLAIN_LENGTH = 1000;

// Most values are identifiers, paths and hashes: settle those with one test.
const COMMON_SAFE = /^[a-zA-Z][a-zA-Z0-9_./-]*$/;
const KEYWORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);

/** True when `text` can be written unquoted (in a block mapping, or inside `{ … }` when `flow`). */
export function isPlainSafe(text: string, flow: boolean): boolean {
  if (text.length === 0 || text.length > MAX_PLAIN_LENGTH) return false;
  if (COMMON_SAFE.test(text)) return !KEYWORDS.has(text);
  if (UNSAFE_FIRST.test(text) || text.endsWith(' ') || text.endsWith(':')) return false;
  if (text.includes(': ') || text.includes(' #') || text.includes('\t')) return false;
  if (UNSAFE_ANYWHERE.test(text) || LOOKS_TYPED.test(text)) return false;
  if (flow && FLOW_INDICATORS.test(text)) return false;
  return true;
}

const ESCAPE_AFTER_JSON = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A YAML double-quoted scalar: the JSON string, plus \u escapes for what YAML wants escaped. */
export function quoteString(text: string): string {
  // JSON.stringify already escapes C0 controls, quotes, backslashes and lone surrogates.
  return JSON.stringify(text).replace(ESCAPE_AFTER_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatString(text: string, flow: boolean): string {
  return isPlainSafe(text, flow) ? text : quoteString(text);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} to the lockfile: not a finite number`);
  // Number → string as JSON writes it (1e+21, 0.5), which YAML 1.2 reads back as the same number.
  return JSON.stringify(value);
}

/**
 * A nested value on one line, in YAML flow style: `{ a: 1, b: [ x, y ] }`. Object keys are
 * sorted ordinally so equal values always serialise to equal bytes.
 */
export function formatFlowValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return formatString(value, true);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[ ${value.map((item) => formatFlowValue(item ?? null)).join(', ')} ]`;
  }
  if (typeof value === 'object') {
    const keys = definedKeys(value as Record<string, unknown>).sort(compareOrdinal);
    if (keys.length === 0) return '{}';
    const record = value as Record<string, unknown>;
    return `{ ${keys.map((key) => `${formatString(key, true)}: ${formatFlowValue(record[key])}`).join(', ')} }`;
  }
  throw new TypeError(`cannot write a ${typeof value} to the lockfile`);
}

/** A scalar or nested value after `key: ` in a block mapping. */
export function formatBlockValue(value: unknown): string {
  return typeof value === 'string' ? formatString(value, false) : formatFlowValue(value);
}

export function formatKey(key: string): string {
  return formatString(key, false);
}

export function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

