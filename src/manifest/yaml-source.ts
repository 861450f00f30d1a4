/**
 * Text → data, or syntax problems. js-yaml reads it first (src/util/yaml-load.ts); whatever
 * js-yaml refuses goes to the `yaml` package, which reports every syntax error with its
 * position, or reads what js-yaml was stricter about than needed (a few anchors, say).
 */
import type { Document, LineCounter, YAMLError } from 'yaml';
import { yamlLibrary } from '../util/lazy-libraries.js';
import { loadYamlFast } from '../util/yaml-load.js';
import { positionOfOffset, SourceLocator, type Position } from './positions.js';
import { ManifestCode, type Problem } from './problems.js';
import { MAX_ALIAS_COUNT, MAX_ALIAS_NODES, YAML_PARSE_OPTIONS } from './yaml-source-options.js';

export type YamlParseResult =
  | { ok: true; data: unknown; locator: SourceLocator }
  | { ok: false; problems: Problem[] };

export function parseYamlText(text: string): YamlParseResult {
  const fast = loadYamlFast(text);
  if (fast) return { ok: true, data: fast.value, locator: new SourceLocator(text) };
  try {
    return parseWithYaml(text);
  } catch (error) {
    // Pathological input: nesting deep enough to exhaust the stack, say.
    const message = error instanceof RangeError ? cleanMessage(error.message) : `the YAML could not be read: ${errorMessage(error)}`;
    return { ok: false, problems: [syntaxProblem({ line: 1, col: 1 }, message)] };
  }
}

function parseWithYaml(text: string): YamlParseResult {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...YAML_PARSE_OPTIONS, lineCounter });
  const problems = document.errors.map((error) => problemFromYamlError(error, text, document, lineCounter));
  // yaml only warns about a tag it does not know (`!js/function x`) and reads the text under it.
  for (const warning of document.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    const position = warning.linePos?.[0] ?? positionOfOffset(text, warning.pos[0]);
    const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, '!!') ?? 'tag';
    problems.push(syntaxProblem(position, `unknown YAML tag \`${tag}\``, 'a manifest is plain YAML: remove the tag'));
  }
  problems.push(...duplicateKeyProblems(document, lineCounter));
  if (problems.length > 0) return { ok: false, problems };
  const tooManyAliases = aliasPosition(document, lineCounter, MAX_ALIAS_NODES);
  if (tooManyAliases) {
    return { ok: false, problems: [syntaxProblem(tooManyAliases, `more than ${MAX_ALIAS_NODES} aliases (*name)`, ALIAS_HINT)] };
  }
  try {
    const data: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { ok: true, data, locator: new SourceLocator(text, { document, lineCounter }) };
  } catch (error) {
    const firstAlias = aliasPosition(document, lineCounter, 0);
    if (!(error instanceof ReferenceError) || !firstAlias) throw error;
    // Billion laughs and friends: yaml stops expanding aliases past its budget.
    const message = /Excessive alias count/.test(error.message)
      ? `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}): refusing a possible resource-exhaustion document`
      : cleanMessage(error.message);
    return { ok: false, problems: [syntaxProblem(firstAlias, message, ALIAS_HINT)] };
  }
}

/** Keys repeated within one mapping, found with one Set per mapping (linear, unlike yaml's check). */
function duplicateKeyProblems(document: Document, lineCounter: LineCounter): Problem[] {
  const { isScalar, visit } = yamlLibrary();
  const problems: Problem[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value: unknown = pair.key.value;
        const id = `${typeof value}:${String(value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const position = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        const hint = 'a key may appear only once in a mapping: remove or rename one of them';
        problems.push(syntaxProblem(position, `duplicate key \`${String(value)}\``, hint));
      }
    },
  });
  return problems;
}

const ALIAS_HINT = 'use `defaults:` for values shared by many shots instead of YAML anchors';

/** Where the alias after the first `skip` ones is, or undefined when there are no more. */
function aliasPosition(document: Document, lineCounter: LineCounter, skip: number): Position | undefined {
  const { visit } = yamlLibrary();
  let seen = 0;
  let offset: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (seen++ < skip) return undefined;
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}

const HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  BAD_INDENT: 'check the indentation of this line against the lines above it',
  MISSING_CHAR: 'check for an unclosed quote or bracket, or a list item without its "- "',
  MULTIPLE_DOCS: 'a manifest is a single YAML document: remove the extra `---`',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation, or quote text that contains ": "',
  UNEXPECTED_TOKEN: 'quote text that contains ": " or starts with a special character',
};

const MESSAGES: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document',
};

function problemFromYamlError(error: YAMLError, text: string, document: Document, lineCounter: LineCounter): Problem {
  // An unclosed quote runs to the end of the file, where yaml notices; point at where it opened.
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    const opened = unclosedQuoteStart(document, error.pos[0]);
    if (opened !== undefined) {
      return syntaxProblem(lineCounter.linePos(opened), 'unclosed quote: the quoted text runs to the end of the file', 'add the closing quote');
    }
  }
  const position = error.linePos?.[0] ?? positionOfOffset(text, error.pos[0]);
  const message = MESSAGES[error.code] ?? cleanMessage(error.message);
  return syntaxProblem(position, message, HINTS[error.code] ?? 'check the YAML syntax near this position');
}

function unclosedQuoteStart(document: Document, errorOffset: number): number | undefined {
  const { visit } = yamlLibrary();
  let start: number | undefined;
  visit(document, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] <= errorOffset && node.range[2] >= errorOffset) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

function syntaxProblem(position: Position, message: string, hint?: string): Problem {
  const out: Problem = { code: ManifestCode.syntax, path: [], position, message };
  if (hint !== undefined) out.hint = hint;
  return out;
}

/** yaml's messages end with " at line L, column C:" and a source excerpt; the diagnostic has both already. */
function cleanMessage(message: string): string {
  if (/Maximum call stack/.test(message)) return 'the YAML nests too deeply to read';
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? cleanMessage(error.message) : String(error);
}
