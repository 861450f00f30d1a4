/**
 * Deterministic lockfile text, after pnpm's lockfile writer: js-yaml dumps, a small table
 * fixes the key order (LOCK_KEYS in schema.ts; keys it does not know follow in ordinal
 * order), ids and option keys are sorted ordinally, undefined fields are left out, nothing is
 * folded. The same Lock always gives the same bytes, so an unchanged lock is never rewritten
 * and git diffs show only real changes.
 *
 * The bytes are those videogen 0.1 wrote with its own emitter (test/fixtures/locks/
 * written-by-0.1 holds locks it wrote), so existing locks do not churn in git. Two things
 * differ, both rare: a control or invisible character inside a quoted string is escaped
 * the way js-yaml spells it (`\x01`, `\N`, `\L`, `\_` for U+00A0 where 0.1 wrote `\u0001`…
 * and left U+00A0 as it was), and nothing else.
 */
import {
  COLLECTION_STYLE,
  DEFAULT_SCALAR_STYLE_RULES,
  dump,
  DUMP_SCHEMA,
  SCALAR_STYLE,
  visit,
  type Document,
  type Node,
  type ScalarLayout,
  type ScalarStyleRule,
} from 'js-yaml';
import { compareOrdinal } from '../util/compare.js';
import { LOCK_KEYS } from './schema.js';
import type { Lock, LockEntry } from './types.js';

export const LOCK_HEADER = '# videogen lockfile: generated, commit it with the manifest; do not edit by hand';

const STRING_TAG = 'tag:yaml.org,2002:str';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/**
 * Strings videogen 0.1 quoted although YAML 1.2 would read them plain: what looks like a
 * number, a timestamp or a keyword to some YAML reader (a generous superset of the YAML 1.1
 * and 1.2 patterns; a hex digest starting `0b` counts), and a leading `-`, `?` or `:`.
 * Quoting them keeps 0.1's bytes and keeps every reader, 1.1 ones included, reading a string.
 */
const QUOTED_SINCE_0_1 = new RegExp(
  [
    /^[-?:]/.source,
    /^(?![a-zA-Z])[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/.source, // 12, 1.5, 1_000, 1e5, "."
    /^[-+]?0[box][0-9a-fA-F_]+$/.source, // 0b101, 0o17, 0x1F
    /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.source, // YAML 1.1 base 60: 16:9, 1:20:30
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t]|$)/.source, // timestamps
    /^[-+]?\.[a-zA-Z]+$/.source, // .inf, .nan
    /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=)$/.source,
  ].join('|'),
);
/** Longer strings are always quoted (0.1 did): no reader has to judge a 5,000-character plain scalar. */
const MAX_PLAIN_LENGTH = 1000;

const quoteWhere =
  (test: (layout: ScalarLayout) => boolean): ScalarStyleRule =>
  (layout) => {
    if (layout.style === SCALAR_STYLE.PLAIN && layout.node.tag === STRING_TAG && test(layout)) layout.style = SCALAR_STYLE.DOUBLE_QUOTED;
  };

const SCALAR_RULES: readonly ScalarStyleRule[] = [
  quoteWhere(({ node }) => node.value.length > MAX_PLAIN_LENGTH || QUOTED_SINCE_0_1.test(node.value)),
  // Every entry field stays on one line: a multi-line prompt is one escaped string, not a block scalar.
  quoteWhere(({ node }) => node.value.includes('\n')),
  // `{ url: https://x }` is valid YAML 1.2 but trips older readers; 0.1 quoted any colon in a flow map.
  quoteWhere(({ node, flowOnly }) => flowOnly && node.value.includes(':')),
  ...Object.values(DEFAULT_SCALAR_STYLE_RULES).filter((rule) => rule !== DEFAULT_SCALAR_STYLE_RULES.tryLongOrMultilineAsBlock),
];

/** Numbers as JSON writes them (`1e+21`, not js-yaml's `1.e+21`), as 0.1 did; YAML 1.2 reads both. */
const floatTag = DUMP_SCHEMA.tags.find((tag) => tag.tagName === FLOAT_TAG && tag.nodeKind === 'scalar');
if (!floatTag || floatTag.nodeKind !== 'scalar') throw new Error('js-yaml has no float tag');
const SCHEMA = DUMP_SCHEMA.withTags({
  ...floatTag,
  represent: (value: number) => {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} to the lockfile: not a finite number`);
    return Object.is(value, -0) ? '-0.0' : JSON.stringify(value);
  },
});

export function serializeLock(lock: Lock): string {
  const ids = Object.keys(lock.shots).filter((id) => lock.shots[id] !== undefined);
  ids.sort(compareOrdinal);
  return assembleLock(ids.map((id) => serializeEntry(id, lock.shots[id] as LockEntry)));
}

/**
 * One shot's block of lines (no trailing newline). The lock text is the header plus these
 * blocks in id order, so a writer that keeps the blocks of unchanged entries only dumps
 * what changed (the lock writer's compaction does).
 */
export function serializeEntry(id: string, entry: LockEntry): string {
  // Dumped inside `shots:` so every scalar is styled at the depth it is written at.
  const text = dump({ shots: { [id]: orderedEntry(entry) } }, DUMP_OPTIONS);
  return text.slice('shots:\n'.length, -1);
}

/** The whole lock text from entry blocks already sorted by ordinal id. */
export function assembleLock(sortedEntryBlocks: readonly string[]): string {
  return [...lockChunks(sortedEntryBlocks)].join('');
}

/** The length in bytes of the text lockChunks gives for these blocks, without building it. */
export function lockByteLength(sortedEntryBlocks: readonly string[]): number {
  const head = `${LOCK_HEADER}\nversion: 1\n`;
  if (sortedEntryBlocks.length === 0) return Buffer.byteLength(`${head}shots: {}\n`);
  // Each block is followed by a newline.
  let bytes = Buffer.byteLength(`${head}shots:\n`) + sortedEntryBlocks.length;
  for (const block of sortedEntryBlocks) bytes += Buffer.byteLength(block);
  return bytes;
}

/**
 * The same text in pieces of a few hundred entries, for writing a lock of 100,000 entries
 * without first building one string of 60 MB.
 */
export function* lockChunks(sortedEntryBlocks: readonly string[], entriesPerChunk = 500): Generator<string> {
  const head = `${LOCK_HEADER}\nversion: 1\n`;
  if (sortedEntryBlocks.length === 0) {
    yield `${head}shots: {}\n`;
    return;
  }
  yield `${head}shots:\n`;
  for (let start = 0; start < sortedEntryBlocks.length; start += entriesPerChunk) {
    yield `${sortedEntryBlocks.slice(start, start + entriesPerChunk).join('\n')}\n`;
  }
}

const DUMP_OPTIONS = {
  schema: SCHEMA,
  lineWidth: -1,
  quoteStyle: 'double',
  flowBracketPadding: true,
  noRefs: true,
  scalarStyleRules: SCALAR_RULES,
  transform: flowBelowTheFixedLayout,
} as const;

/**
 * The fixed layout is block style: `shots`, each entry, its `spec` (and `spec.options`) and
 * its `error`, one field per line so a diff shows which changed. Every other nested value is
 * one line of flow style: `output`, `reused_from`, `remote`, `cost`, and any list or map inside
 * a spec field.
 */
function flowBelowTheFixedLayout(documents: Document[]): void {
  const entries = mappingItems(mappingItems(documents[0]?.contents)[0]?.value);
  for (const { value: entry } of entries) {
    for (const { key, value } of mappingItems(entry)) {
      const name = scalarText(key);
      if (name !== 'spec' && name !== 'error') {
        toFlow(value);
        continue;
      }
      for (const { key: field, value: fieldValue } of mappingItems(value)) {
        if (name === 'spec' && scalarText(field) === 'options') {
          for (const option of mappingItems(fieldValue)) toFlow(option.value);
        } else {
          toFlow(fieldValue);
        }
      }
    }
  }
}

function mappingItems(node: Node | null | undefined): { key: Node; value: Node }[] {
  return node?.kind === 'mapping' ? node.items : [];
}

function scalarText(node: Node): string | undefined {
  return node.kind === 'scalar' ? node.value : undefined;
}

function toFlow(node: Node): void {
  visit([{ contents: node, directives: [] }], (inner) => {
    if (inner.kind === 'mapping' || inner.kind === 'sequence') inner.style = COLLECTION_STYLE.FLOW;
  });
}

/** A copy of the entry with keys in the lock's order and every nested map sorted ordinally. */
function orderedEntry(entry: LockEntry): Record<string, unknown> {
  return ordered(entry as unknown as Record<string, unknown>, LOCK_KEYS.entry, (value, key) =>
    isRecord(value) && isFixedRecord(key) ? ordered(value, LOCK_KEYS[key], sortedDeep) : sortedDeep(value),
  );
}

const FIXED_RECORDS = new Set(['spec', 'output', 'reused_from', 'remote', 'cost', 'error']);

function isFixedRecord(key: string): key is 'spec' | 'output' | 'reused_from' | 'remote' | 'cost' | 'error' {
  return FIXED_RECORDS.has(key);
}

/** The defined keys of `record`: those in `order` first, in that order, then any others ordinally. */
function ordered(
  record: Record<string, unknown>,
  order: readonly string[],
  copy: (value: unknown, key: string) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (Object.hasOwn(record, key) && record[key] !== undefined) setOwn(out, key, copy(record[key], key));
  }
  const known = new Set(order);
  const others = Object.keys(record).filter((key) => !known.has(key) && record[key] !== undefined);
  others.sort(compareOrdinal);
  for (const key of others) setOwn(out, key, copy(record[key], key));
  return out;
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => sortedDeep(item ?? null));
  return isRecord(value) ? ordered(value, [], sortedDeep) : value;
}

/** Plain assignment would turn a `__proto__` key into a prototype change instead of data. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
