/**
 * Problems are collected with field paths and turned into Diagnostics (file:line:col)
 * only at the end, so positions are looked up only when something is wrong.
 */
import type { Diagnostic } from '../errors.js';
import { compareOrdinal } from '../util/compare.js';
import { formatPath, type PathSegment, type Position, type PositionTarget, type SourceLocator } from './positions.js';

/** The stable diagnostic codes of manifest problems (documented for users). */
export const ManifestCode = {
  syntax: 'VIDEOGEN_MANIFEST_SYNTAX',
  tooLarge: 'VIDEOGEN_MANIFEST_TOO_LARGE',
  unknownKey: 'VIDEOGEN_MANIFEST_UNKNOWN_KEY',
  type: 'VIDEOGEN_MANIFEST_TYPE',
  required: 'VIDEOGEN_MANIFEST_REQUIRED',
  value: 'VIDEOGEN_MANIFEST_VALUE',
  version: 'VIDEOGEN_MANIFEST_VERSION',
  duplicateId: 'VIDEOGEN_MANIFEST_DUPLICATE_ID',
  badId: 'VIDEOGEN_MANIFEST_BAD_ID',
  unknownProvider: 'VIDEOGEN_MANIFEST_UNKNOWN_PROVIDER',
  unsupportedField: 'VIDEOGEN_MANIFEST_UNSUPPORTED_FIELD',
  fileNotFound: 'VIDEOGEN_MANIFEST_FILE_NOT_FOUND',
  /**
   * A local image (reference_image, tail_image) that is not inside the manifest's directory:
   * an absolute path, a `../` path, or a symlink whose target resolves outside it (symlinks
   * that stay inside are fine). Decision: refused, because apply uploads local images to a
   * third-party API, and a manifest arriving in a pull request must not be able to send
   * files from elsewhere on the machine (another project, a home directory) that way.
   * Copy the image next to the manifest, or give an https URL.
   */
  fileOutside: 'VIDEOGEN_MANIFEST_FILE_OUTSIDE',
  /** A local image larger than the shot's provider accepts (HeyGen 32 MB; OpenAI's inline data: URL 20 MB). */
  imageTooLarge: 'VIDEOGEN_MANIFEST_IMAGE_TOO_LARGE',
  outputPath: 'VIDEOGEN_MANIFEST_OUTPUT_PATH',
  /** Warning: a model or API its provider has switched off; the date and a replacement are named. */
  retired: 'VIDEOGEN_MANIFEST_RETIRED',
  /** Warning: a model its provider type does not list, close to one it does (a typo costs a failed job). */
  unknownModel: 'VIDEOGEN_MANIFEST_UNKNOWN_MODEL',
  /** `rows`, `from` and `takes` together would make more shots than one manifest may hold. */
  tooManyShots: 'VIDEOGEN_MANIFEST_TOO_MANY_SHOTS',
  /** A data file (`from:`) that is not well-formed CSV or JSONL, or not UTF-8 text. */
  dataSyntax: 'VIDEOGEN_DATA_SYNTAX',
  /** A data file over the size limit. */
  dataTooLarge: 'VIDEOGEN_DATA_TOO_LARGE',
  /** Data with no rows: an entry that would expand into nothing. */
  dataNoRows: 'VIDEOGEN_DATA_NO_ROWS',
  /** `{{ field }}` names a field the data does not have (no such CSV column, a JSONL row without it). */
  dataUnknownField: 'VIDEOGEN_DATA_UNKNOWN_FIELD',
  /** A row's value is empty (or a list or mapping) where the template puts it into text. */
  dataEmptyValue: 'VIDEOGEN_DATA_EMPTY_VALUE',
} as const;
export type ManifestCode = (typeof ManifestCode)[keyof typeof ManifestCode];

export interface Problem {
  code: ManifestCode;
  path: readonly PathSegment[];
  /** Which node of `path` to point at (default: the value). */
  target?: PositionTarget;
  /** Set when the position is known without a path (YAML syntax errors, a row of a data file). */
  position?: Position;
  /** The data file `position` is in, as diagnostics name it; absent: the manifest. */
  file?: string;
  message: string;
  hint?: string;
}

/** Builds a Problem without writing `hint: undefined` (absent means absent). */
export function problem(
  code: ManifestCode,
  path: readonly PathSegment[],
  message: string,
  hint?: string,
  target?: PositionTarget,
): Problem {
  const out: Problem = { code, path, message };
  if (hint !== undefined) out.hint = hint;
  if (target !== undefined) out.target = target;
  return out;
}

/** A warning that something was switched off upstream, with when and what replaces it. */
export function retiredProblem(path: readonly PathSegment[], what: string, retired: { since: string; replacement?: string; source?: string }): Problem {
  const hint = retired.replacement === undefined ? undefined : `use ${retired.replacement}`;
  return problem(ManifestCode.retired, path, `${what} on ${retired.since}`, hint);
}

/**
 * Locates, de-duplicates (a problem inherited from `defaults`, or from the template of a
 * thousand rows, is found once per shot but reported once) and sorts: the manifest's
 * problems first, then each data file's, each by line then column; ties keep the order they
 * were found in.
 */
export function toDiagnostics(problems: readonly Problem[], file: string, locator: SourceLocator | undefined): Diagnostic[] {
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const p of problems) {
    const position = p.position ?? locator?.locate(p.path, p.target) ?? { line: 0, col: 0 };
    const path = formatPath(p.path);
    const where = p.file ?? file;
    const key = `${p.code}\u0000${where}:${position.line}:${position.col}\u0000${path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const diagnostic: Diagnostic = { code: p.code, file: where, line: position.line, col: position.col, path, message: p.message };
    if (p.hint !== undefined) diagnostic.hint = p.hint;
    diagnostics.push(diagnostic);
  }
  const rank = (d: Diagnostic) => (d.file === file ? '' : d.file);
  return diagnostics.sort((a, b) => compareOrdinal(rank(a), rank(b)) || a.line - b.line || a.col - b.col);
}

/** A value in a message: short, quoted, never a whole 32,000-character prompt. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  const yamlOnly = describeYamlOnlyValue(value);
  if (yamlOnly !== undefined) return yamlOnly;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  switch (typeof value) {
    case 'string':
      if (value === '') return 'an empty string';
      if (value.trim() === '') return 'only whitespace';
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** Values only YAML tags produce (yaml reads !!binary, !!set, !!omap, !!timestamp even in 1.2 mode). */
export function isYamlOnlyValue(value: unknown): boolean {
  return describeYamlOnlyValue(value) !== undefined;
}

function describeYamlOnlyValue(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return 'binary data (!!binary)';
  if (value instanceof Set) return 'a set (!!set)';
  if (value instanceof Map) return 'an ordered map (!!omap)';
  if (value instanceof Date) return 'a timestamp (!!timestamp)';
  return undefined;
}

/** The kind of a value, without the value (for fields that may hold secrets by mistake). */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (isYamlOnlyValue(value)) return 'a YAML-tagged value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}
