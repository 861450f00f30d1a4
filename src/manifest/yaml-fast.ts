/**
 * A fast path for the plain, block-style YAML that manifests are made of.
 *
 * Why it exists: the `yaml` package needs ~50 µs per shot to build a Document (its CST
 * parser is generator-based), about 0.6 s for a 10,000-shot manifest on a small machine,
 * and `plan` on such a manifest must stay well under a second. This parser handles the
 * common subset line by line and DECLINES (returns undefined) the moment it sees anything
 * outside it: anchors, aliases, tags, nested or multi-line flow collections, multi-line
 * quoted scalars, tabs,
 * duplicate keys, odd indentation, directives, more than one document. The caller then
 * parses with `yaml`, which also produces every syntax error and every position.
 *
 * Contract (tested differentially against `yaml` in yaml-fast.test.ts): whenever this
 * returns a value, `yaml` parses the same text without errors to a deep-equal value,
 * using the YAML 1.2 core schema that `yaml` uses by default.
 */

class Declined extends Error {}
const DECLINE = new Declined('outside the fast subset');

function decline(): never {
  throw DECLINE;
}

interface Line {
  indent: number;
  /** The line without its indentation. */
  content: string;
  /** The whole line (block scalars need the raw text). */
  raw: string;
}

/** Characters that change meaning somewhere in YAML or that `yaml` treats specially. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const MAP_ENTRY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
const BLOCK_SCALAR_HEADER = /^([|>])([-+]?)(?: +#.*| *)$/;
const MAX_KEY_LENGTH = 1000;

export function parseSimpleYaml(text: string): { value: unknown } | undefined {
  try {
    return { value: new SimpleYamlParser(text).parseDocument() };
  } catch (error) {
    if (error instanceof Declined) return undefined;
    // Anything else (a stack overflow on absurd nesting, say) is also just "not simple".
    return undefined;
  }
}

class SimpleYamlParser {
  private readonly lines: Line[];
  private readonly endsWithNewline: boolean;
  private position = 0;

  constructor(source: string) {
    let text = source;
    if (text.includes('\r')) {
      if (/\r(?!\n)/.test(text)) decline();
      text = text.replace(/\r\n/g, '\n');
    }
    if (UNSUPPORTED_CHARACTERS.test(text)) decline();
    this.endsWithNewline = text.endsWith('\n');
    const raws = text.split('\n');
    if (this.endsWithNewline) raws.pop();
    this.lines = raws.map((raw) => {
      let indent = 0;
      while (raw.charCodeAt(indent) === 32) indent++;
      return { indent, content: raw.slice(indent), raw };
    });
  }

  parseDocument(): unknown {
    // An explicit `---` before the content is common; anything else document-level is not.
    const start = this.lines.findIndex((line) => line.content !== '' && line.content.charCodeAt(0) !== 35);
    if (start === -1) decline();
    const startLine = this.lines[start]!;
    if (startLine.indent === 0 && startLine.content.startsWith('---')) {
      if (!/^---(?: +#.*| *)$/.test(startLine.content)) decline();
      this.position = start + 1;
    }
    const first = this.nextSignificant();
    if (first === -1 || this.lines[first]!.indent !== 0) decline();
    this.position = first;
    const value = this.parseNode(0);
    if (this.nextSignificant() !== -1) decline();
    return value;
  }

  /** Index of the next line that is neither blank nor a comment, or -1 at the end. */
  private nextSignificant(): number {
    for (let i = this.position; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line.content === '' || line.content.charCodeAt(0) === 35 /* # */) continue;
      if (line.indent === 0 && (line.content.startsWith('---') || line.content.startsWith('...') || line.content.startsWith('%'))) {
        decline();
      }
      return i;
    }
    return -1;
  }

  /** A block node starting at the current line, whose indentation is `indent`. */
  private parseNode(indent: number): unknown {
    const line = this.lines[this.position]!;
    return isSequenceItem(line.content) ? this.parseSequence(indent) : this.parseMap(indent, null);
  }

  /**
   * A block mapping at `indent`. `firstEntry` is the text of an entry already consumed
   * from a sequence item line (`- id: a`); otherwise entries are read from the lines.
   */
  private parseMap(indent: number, firstEntry: string | null): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let entry = firstEntry;
    for (;;) {
      if (entry === null) entry = this.lines[this.position++]!.content;
      const match = MAP_ENTRY.exec(entry);
      if (!match) decline();
      const key = match[1]!;
      if (key.length > MAX_KEY_LENGTH || key === '__proto__' || typeof resolvePlain(key) !== 'string') decline();
      if (Object.prototype.hasOwnProperty.call(map, key)) decline();
      map[key] = this.parseValue(match[2] ?? '', indent, true);
      entry = null;
      const next = this.nextSignificant();
      if (next === -1) break;
      const line = this.lines[next]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isSequenceItem(line.content)) decline();
      this.position = next;
    }
    return map;
  }

  private parseSequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const line = this.lines[this.position++]!;
      const afterDash = line.content === '-' ? '' : line.content.slice(2);
      const rest = afterDash.trimStart();
      const itemIndent = indent + 2 + (afterDash.length - rest.length);
      if (rest === '' || rest.charCodeAt(0) === 35) {
        items.push(this.parseNested(indent, false));
      } else if (isSequenceItem(rest)) {
        decline();
      } else if (MAP_ENTRY.test(rest)) {
        items.push(this.parseMap(itemIndent, rest));
      } else {
        items.push(this.parseValue(rest, indent, false));
      }
      const next = this.nextSignificant();
      if (next === -1) break;
      const following = this.lines[next]!;
      if (following.indent < indent) break;
      if (following.indent > indent) decline();
      // Same indentation but not an item: the next key of the map this sequence is a value of.
      if (!isSequenceItem(following.content)) break;
      this.position = next;
    }
    return items;
  }

  /** The value after `key:` or `- `, where the owning node sits at `indent`. */
  private parseValue(text: string, indent: number, isMapValue: boolean): unknown {
    if (text === '' || text.charCodeAt(0) === 35) return this.parseNested(indent, isMapValue);
    const first = text[0]!;
    if (first === '|' || first === '>') return this.parseBlockScalar(text, indent);
    return parseInlineValue(text);
  }

  /** What follows an empty `key:` or `-`: a more indented block, a same-indent sequence (map values only), or null. */
  private parseNested(indent: number, isMapValue: boolean): unknown {
    const next = this.nextSignificant();
    if (next === -1) return null;
    const line = this.lines[next]!;
    if (line.indent > indent) {
      this.position = next;
      return this.parseNode(line.indent);
    }
    if (isMapValue && line.indent === indent && isSequenceItem(line.content)) {
      this.position = next;
      return this.parseSequence(indent);
    }
    return null;
  }

  private parseBlockScalar(header: string, parentIndent: number): string {
    const match = BLOCK_SCALAR_HEADER.exec(header);
    if (!match) decline();
    const folded = match[1] === '>';
    const chomping = match[2] ?? '';
    let contentIndent = -1;
    const body: string[] = [];
    let index = this.position;
    for (; index < this.lines.length; index++) {
      const line = this.lines[index]!;
      if (line.content === '') {
        // Leading blank lines, and blank lines carrying extra spaces, have subtle rules: leave them to `yaml`.
        if (contentIndent === -1 || line.indent > contentIndent) decline();
        body.push('');
        continue;
      }
      if (contentIndent === -1) {
        if (line.indent <= parentIndent) break;
        contentIndent = line.indent;
      }
      if (line.indent < contentIndent) break;
      body.push(line.raw.slice(contentIndent));
    }
    if (contentIndent === -1) decline();
    if (index === this.lines.length && !this.endsWithNewline) decline();
    this.position = index;

    let last = body.length - 1;
    while (last >= 0 && body[last] === '') last--;
    const trailingBreaks = body.length - 1 - last;
    const kept = body.slice(0, last + 1);
    const text = folded ? foldLines(kept) : kept.join('\n');
    if (chomping === '-') return text;
    if (chomping === '+') return `${text}\n${'\n'.repeat(trailingBreaks)}`;
    return `${text}\n`;
  }
}

function isSequenceItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

/** Folded (`>`) content without more-indented lines: single breaks become spaces, n blank lines become n breaks. */
function foldLines(lines: string[]): string {
  let out = '';
  let blankRun = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      blankRun++;
      continue;
    }
    if (line.charCodeAt(0) === 32) decline();
    if (i === 0) out = line;
    else out += blankRun === 0 ? ` ${line}` : '\n'.repeat(blankRun) + line;
    blankRun = 0;
  }
  return out;
}

/** A value written on the rest of the line: quoted, an inline `[list]`, `{}`, or plain. */
function parseInlineValue(text: string): unknown {
  const first = text[0]!;
  if (first === '"' || first === "'") {
    const { value, end } = first === '"' ? readDoubleQuoted(text, 0) : readSingleQuoted(text, 0);
    expectOnlyComment(text, end);
    return value;
  }
  if (first === '[') return parseFlowSequence(text);
  if (first === '{') return parseFlowMap(text);
  if ('&*!%@`?:,]}#'.includes(first)) decline();
  if (first === '-' && (text.length === 1 || text[1] === ' ')) decline();
  return resolvePlain(plainBlockText(text));
}

function plainBlockText(text: string): string {
  const comment = text.indexOf(' #');
  const value = (comment === -1 ? text : text.slice(0, comment)).trimEnd();
  if (value.includes(': ') || value.endsWith(':')) decline();
  return value;
}

/** After a value: nothing, spaces, or spaces and a comment. */
function expectOnlyComment(text: string, from: number): void {
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  if (i === text.length) return;
  if (i === from || text.charCodeAt(i) !== 35 /* # */) decline();
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
};

function readDoubleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    // Copy runs of ordinary characters in one slice: prompts are long and escapes rare.
    const quote = text.indexOf('"', i);
    if (quote === -1) decline();
    const backslash = text.indexOf('\\', i);
    if (backslash === -1 || backslash > quote) return { value: value + text.slice(i, quote), end: quote + 1 };
    value += text.slice(i, backslash);
    const escape = text[backslash + 1];
    if (escape === 'u') {
      const hex = text.slice(backslash + 2, backslash + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) decline();
      const code = Number.parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdfff) decline();
      value += String.fromCharCode(code);
      i = backslash + 6;
      continue;
    }
    const replacement = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
    if (replacement === undefined) decline();
    value += replacement;
    i = backslash + 2;
  }
}

function readSingleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf("'", i);
    if (quote === -1) decline();
    value += text.slice(i, quote);
    if (text[quote + 1] !== "'") return { value, end: quote + 1 };
    value += "'";
    i = quote + 2;
  }
}

/** `[a, "b", 3]` on one line; nested collections are left to `yaml`. */
function parseFlowSequence(text: string): unknown[] {
  const items: unknown[] = [];
  readFlowEntries(text, ']', (cursor) => items.push(readFlowScalar(cursor, ']')));
  return items;
}

/** `{ type: heygen, concurrency: 2 }` on one line, scalar values only. */
function parseFlowMap(text: string): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  readFlowEntries(text, '}', (cursor) => {
    const match = FLOW_KEY.exec(cursor.text.slice(cursor.at));
    if (!match) decline();
    const key = match[1]!;
    if (key === '__proto__' || typeof resolvePlain(key) !== 'string') decline();
    if (Object.prototype.hasOwnProperty.call(map, key)) decline();
    cursor.at += match[0].length;
    map[key] = readFlowScalar(cursor, '}');
  });
  return map;
}

const FLOW_KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*): +/;

interface Cursor {
  text: string;
  at: number;
}

/** Walks `open entry, entry close` on one line, calling readEntry with the cursor at each entry. */
function readFlowEntries(text: string, close: ']' | '}', readEntry: (cursor: Cursor) => void): void {
  const cursor: Cursor = { text, at: 1 };
  const skipSpaces = (): void => {
    while (text[cursor.at] === ' ') cursor.at++;
  };
  skipSpaces();
  if (text[cursor.at] === close) {
    expectOnlyComment(text, cursor.at + 1);
    return;
  }
  for (;;) {
    skipSpaces();
    readEntry(cursor);
    skipSpaces();
    if (text[cursor.at] === ',') {
      cursor.at++;
      skipSpaces();
      if (text[cursor.at] === close) decline(); // a trailing comma: leave it to `yaml`
      continue;
    }
    if (text[cursor.at] === close) {
      expectOnlyComment(text, cursor.at + 1);
      return;
    }
    decline();
  }
}

/** A quoted or plain scalar inside `[...]` or `{...}`; plain ones are kept to the unambiguous. */
function readFlowScalar(cursor: Cursor, close: ']' | '}'): unknown {
  const { text } = cursor;
  const c = text[cursor.at];
  if (c === undefined) decline();
  if (c === '"' || c === "'") {
    const { value, end } = c === '"' ? readDoubleQuoted(text, cursor.at) : readSingleQuoted(text, cursor.at);
    cursor.at = end;
    return value;
  }
  let end = cursor.at;
  while (end < text.length && text[end] !== ',' && text[end] !== close) end++;
  const raw = text.slice(cursor.at, end).trimEnd();
  if (raw === '' || /[[\]{}#"']/.test(raw) || raw.includes(':')) decline();
  if ('&*!%@`?|>-'.includes(raw[0]!)) decline();
  cursor.at = end;
  return resolvePlain(raw);
}

const MAY_BE_NON_STRING: boolean[] = [];
for (const c of '~nNtTfF0123456789+-.') MAY_BE_NON_STRING[c.charCodeAt(0)] = true;

/** A plain scalar's value under the YAML 1.2 core schema, mirroring `yaml`'s tag tests in order. */
export function resolvePlain(text: string): unknown {
  // Most scalars are words: only these first characters can start a null, bool or number.
  if (text.length > 0 && !MAY_BE_NON_STRING[text.charCodeAt(0)]) return text;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return text[0] === 't' || text[0] === 'T';
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}
