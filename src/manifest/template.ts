/**
 * `{{ field }}` templates of data-driven entries (DESIGN.md "Manifest"). An entry is compiled
 * once: which of its strings name row fields, and where they are. Filling it with one row
 * copies only the containers on the way to those strings; everything else is shared by every
 * row's shot (nothing downstream mutates a shot).
 *
 * What a value becomes:
 * - A string that is one placeholder and nothing else (`seed: "{{ seed }}"`) takes the row's
 *   value as it is: from JSONL or `rows:` a number stays a number, true stays true, a list or
 *   a mapping stays one (`options: "{{ extra }}"`). CSV has only text, so a CSV value in a
 *   field that takes a number or true/false (TYPED_FIELDS) is read as one when it is written
 *   as one; anywhere else it stays text (`options` values included: use JSONL for typed ones).
 * - A placeholder inside other text takes the value as text (42 → "42").
 * - An empty value (an empty CSV cell, "", null) is an error wherever it lands: a template
 *   needs text there. A list or mapping inside other text is an error too.
 */
import type { PathSegment } from './positions.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import { isRecord } from './issues.js';

/** `{{ name }}`: anything but braces between the pairs, surrounding spaces ignored. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/**
 * Shot fields that take something other than text, and how a CSV cell is read for them when a
 * placeholder is their whole value. (`duration` takes text as well: "8" is eight seconds.)
 */
const TYPED_FIELDS: Readonly<Record<string, (text: string) => unknown>> = {
  seed: (text) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text),
  audio: (text) => (/^(true|false)$/i.test(text.trim()) ? text.trim().toLowerCase() === 'true' : text),
};

export interface Slot {
  /** Where the string is inside the entry: `['prompt']`, `['options', 'style']`, `['tags', 0]`. */
  readonly path: readonly PathSegment[];
  /** Literal text around the placeholders: one more piece than there are fields. */
  readonly text: readonly string[];
  /** The fields named, in order (`text[0] + fields[0] + text[1] + …`). */
  readonly fields: readonly string[];
  /** The string is one placeholder and nothing else: the row's value is used as it is. */
  readonly whole: boolean;
}

export interface Template {
  /** The entry without the keys that say how it expands. */
  readonly entry: Readonly<Record<string, unknown>>;
  readonly slots: readonly Slot[];
  /** Every field any slot names. */
  readonly fields: ReadonlySet<string>;
}

/** Why a row could not fill a slot. */
export interface SlotFailure {
  slot: Slot;
  field: string;
  reason: 'missing' | 'empty' | 'structured';
}

/**
 * Finds the placeholders in an entry's strings (keys are never templated).
 * @param at the entry's path in the manifest, for problems (an empty `{{ }}`, an unclosed `{{`)
 */
export function compileTemplate(entry: Readonly<Record<string, unknown>>, at: readonly PathSegment[], problems: Problem[]): Template {
  const slots: Slot[] = [];
  const fields = new Set<string>();
  const visit = (value: unknown, path: PathSegment[]): void => {
    if (typeof value === 'string') {
      const slot = compileString(value, path, at, problems);
      if (slot) {
        slots.push(slot);
        for (const field of slot.fields) fields.add(field);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (isRecord(value)) {
      for (const key of Object.keys(value)) visit(value[key], [...path, key]);
    }
  };
  for (const key of Object.keys(entry)) visit(entry[key], [key]);
  return { entry, slots, fields };
}

function compileString(value: string, path: PathSegment[], at: readonly PathSegment[], problems: Problem[]): Slot | undefined {
  if (!value.includes('{{') && !value.includes('}}')) return undefined;
  const text: string[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    text.push(value.slice(last, match.index));
    fields.push(match[1]!);
    last = match.index + match[0].length;
  }
  text.push(value.slice(last));
  const where = [...at, ...path];
  if (fields.some((field) => field === '')) {
    problems.push(problem(ManifestCode.value, where, 'empty placeholder `{{ }}`', 'name a column of the data between the braces: `{{ name }}`'));
    return undefined;
  }
  if (text.some((piece) => piece.includes('{{') || piece.includes('}}'))) {
    const hint = 'in a data-driven shot `{{` and `}}` enclose a column name; literal braces can come from the data itself';
    problems.push(problem(ManifestCode.value, where, 'a `{{` without its `}}` (or the other way round)', hint));
    return undefined;
  }
  return { path, text, fields, whole: WHOLE.test(value) };
}

/**
 * One row's shot: the template with each slot filled from `value` (undefined: the row has no
 * such field). `csv` says the values are CSV text (see TYPED_FIELDS).
 */
export function fillTemplate(
  template: Template,
  value: (field: string) => unknown,
  csv: boolean,
): { shot: Record<string, unknown>; failures: SlotFailure[] } {
  const shot: Record<string, unknown> = { ...template.entry };
  const failures: SlotFailure[] = [];
  let copied: Set<unknown> | undefined;
  for (const slot of template.slots) {
    const filled = fillSlot(slot, value, csv);
    if (!('value' in filled)) {
      failures.push(filled);
      continue;
    }
    if (slot.path.length === 1) {
      shot[slot.path[0] as string] = filled.value;
      continue;
    }
    copied ??= new Set();
    setCopying(shot, slot.path, filled.value, copied);
  }
  return { shot, failures };
}

function fillSlot(slot: Slot, value: (field: string) => unknown, csv: boolean): { value: unknown } | SlotFailure {
  if (slot.whole) {
    const field = slot.fields[0]!;
    const raw = value(field);
    if (raw === undefined) return { slot, field, reason: 'missing' };
    if (isEmpty(raw)) return { slot, field, reason: 'empty' };
    const key = slot.path[0] as string;
    const typed = csv && slot.path.length === 1 && Object.hasOwn(TYPED_FIELDS, key) ? TYPED_FIELDS[key] : undefined;
    return { value: typed && typeof raw === 'string' ? typed(raw) : raw };
  }
  let out = slot.text[0]!;
  for (let i = 0; i < slot.fields.length; i++) {
    const field = slot.fields[i]!;
    const raw = value(field);
    if (raw === undefined) return { slot, field, reason: 'missing' };
    if (isEmpty(raw)) return { slot, field, reason: 'empty' };
    if (typeof raw === 'object') return { slot, field, reason: 'structured' };
    out += String(raw) + slot.text[i + 1]!;
  }
  return { value: out };
}

function isEmpty(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/** Sets a nested value, copying each container on the way the first time this shot touches it. */
function setCopying(root: Record<string, unknown>, path: readonly PathSegment[], value: unknown, copied: Set<unknown>): void {
  let parent: Record<PathSegment, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    let child = parent[key];
    if (!copied.has(child)) {
      child = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) };
      parent[key] = child;
      copied.add(child);
    }
    parent = child as Record<PathSegment, unknown>;
  }
  parent[path[path.length - 1]!] = value;
}
