/**
 * Field path → line/col in the YAML source. The `yaml` Document (with its LineCounter) is
 * built lazily, on the first lookup: a valid manifest that went through the fast parser
 * never pays for it. A path outside `shots` (a retired provider type's warning, a bad
 * default) is looked up first in the part of the file before a top-level `shots:`, parsed on
 * its own, so a 100,000-shot manifest is not parsed again for a warning about its providers.
 */
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { yamlLibrary } from '../util/lazy-libraries.js';
import { YAML_PARSE_OPTIONS } from './yaml-source-options.js';

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

/** `key`: the key of the last segment (unknown keys); `value`: the node itself (bad values). */
export type PositionTarget = 'key' | 'value';

const START: Position = { line: 1, col: 1 };

export class SourceLocator {
  private document: Document | undefined;
  private lineCounter: LineCounter | undefined;
  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  /** The document before `shots:`; false once it turned out not worth it or not usable. */
  private headParsed: Parsed | false | undefined;

  constructor(
    private readonly text: string,
    parsed?: { document: Document; lineCounter: LineCounter },
  ) {
    this.document = parsed?.document;
    this.lineCounter = parsed?.lineCounter;
  }

  /**
   * Where the node at `path` is. A path that leaves the document (a missing required key)
   * resolves to the nearest collection that exists: the map the key is missing from.
   */
  locate(path: readonly PathSegment[], target: PositionTarget = 'value'): Position {
    if (path[0] !== 'shots') {
      const head = this.head();
      const found = head && this.find(head, path, target);
      // Only a node found there is the same node as in the whole file; otherwise ask the whole file.
      if (found && found.exact) return found.position;
    }
    return this.find(this.parsed(), path, target).position;
  }

  private find(parsed: Parsed, path: readonly PathSegment[], target: PositionTarget): { position: Position; exact: boolean } {
    const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
    const { document, lineCounter } = parsed;
    const at = (node: { range?: readonly number[] | null } | null | undefined, exact = false) => {
      const offset = node?.range?.[0];
      return { position: offset === undefined ? START : lineCounter.linePos(offset), exact };
    };
    let node: unknown = document.contents;
    let parent: unknown = null;
    let keyNode: Node | null = null;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node)) {
        const pair = this.pairsOf(node).get(String(segment));
        if (!pair) return at(node);
        parent = node;
        keyNode = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? (pair.key as Node) : null;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) return at(node);
        parent = node;
        keyNode = null;
        node = item;
      } else {
        return at((node ?? parent) as Node | null);
      }
    }
    if (target === 'key' && keyNode) return at(keyNode, true);
    // An empty value (`prompt:`) has a zero-width node after the colon: point at its key.
    const empty = node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
    if (empty) return keyNode ? at(keyNode, true) : at(parent as Node | null, true);
    return at(node as Node, true);
  }

  /** Key → pair per mapping, built once: thousands of problems in one big mapping stay linear. */
  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let pairs = this.pairIndex.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const pair of map.items as Pair[]) {
        const key = keyText(pair.key);
        if (key !== undefined && !pairs.has(key)) pairs.set(key, pair);
      }
      this.pairIndex.set(map, pairs);
    }
    return pairs;
  }

  private parsed(): Parsed {
    if (!this.document || !this.lineCounter) {
      const { LineCounter, parseDocument } = yamlLibrary();
      this.lineCounter = new LineCounter();
      this.document = parseDocument(this.text, { ...YAML_PARSE_OPTIONS, lineCounter: this.lineCounter });
    }
    return { document: this.document, lineCounter: this.lineCounter };
  }

  /** The text before a top-level `shots:` as a document of its own, when that saves parsing much. */
  private head(): Parsed | undefined {
    if (this.headParsed !== undefined) return this.headParsed || undefined;
    this.headParsed = false;
    const shotsAt = this.document ? -1 : this.text.search(/^shots:/m);
    if (shotsAt <= 0 || this.text.length - shotsAt < HEAD_WORTH_IT_BYTES) return undefined;
    const { LineCounter, parseDocument } = yamlLibrary();
    const lineCounter = new LineCounter();
    const document = parseDocument(this.text.slice(0, shotsAt), { ...YAML_PARSE_OPTIONS, lineCounter });
    if (document.errors.length === 0) this.headParsed = { document, lineCounter };
    return this.headParsed || undefined;
  }
}

interface Parsed {
  document: Document;
  lineCounter: LineCounter;
}

/** Below this many bytes of shots, parsing the whole file for one position costs little. */
const HEAD_WORTH_IT_BYTES = 64 * 1024;

function keyText(key: unknown): string | undefined {
  if (yamlLibrary().isScalar(key)) return String(key.value);
  return undefined;
}

/** `shots[2].prompt`, `providers.hx.base_url`, `options["camera fixed"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Offset → position without a Document (for problems found before YAML parsing). */
export function positionOfOffset(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}
