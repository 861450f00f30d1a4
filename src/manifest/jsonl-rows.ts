/**
 * A JSONL (JSON Lines) data file: one JSON object per line, one shot per object, read with
 * JSON.parse line by line. Values keep their JSON types (a number stays a number). Blank
 * lines are skipped.
 */
import type { PathSegment } from './positions.js';
import { describeValue, ManifestCode, problem, type Problem } from './problems.js';
import { ownValue, type RowSource, type RowsRead } from './row-source.js';

/**
 * @param at the manifest path of the `from:` naming the file (diagnostics name it as their field)
 * @param maxRows more rows than this is an error, and the file is read no further
 */
export function jsonlRows(text: string, file: string, at: readonly PathSegment[], maxRows: number): RowsRead {
  const lines = text.split('\n');
  const rows: Record<string, unknown>[] = [];
  /** Per row, its index in `lines`. */
  const lineOf: number[] = [];
  const problems: Problem[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.endsWith('\r') ? lines[index]!.slice(0, -1) : lines[index]!;
    if (line.trim() === '') continue;
    if (lineOf.length === maxRows) {
      const message = `${file} has more than ${maxRows.toLocaleString('en-US')} rows, more shots than one manifest may hold`;
      return { source: undefined, problems: [problem(ManifestCode.tooManyShots, at, message, 'split the rows across several data files and manifests')] };
    }
    const where = (col: number) => ({ file, position: { line: index + 1, col } });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const { message, col } = jsonError(error);
      const hint = 'each line is one whole JSON object, such as {"slug": "acme", "name": "Ada"}';
      problems.push({ ...problem(ManifestCode.dataSyntax, at, `this line is not valid JSON: ${message}`, hint), ...where(col) });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = Array.isArray(value) ? 'a list' : describeValue(value);
      const message = `expected a JSON object on each line, got ${got}`;
      problems.push({ ...problem(ManifestCode.dataSyntax, at, message, 'write one object per line: {"slug": "acme", "name": "Ada"}'), ...where(1) });
      continue;
    }
    rows.push(value as Record<string, unknown>);
    lineOf.push(index);
  }
  if (rows.length === 0) {
    if (problems.length > 0) return { source: undefined, problems };
    return { source: undefined, problems: [problem(ManifestCode.dataNoRows, at, `${file} has no rows`, 'write one JSON object per line, one line per shot')] };
  }
  const source: RowSource = {
    kind: 'jsonl',
    file,
    rowCount: rows.length,
    columns: undefined,
    value: (row, field) => ownValue(rows[row], field),
    fieldsOf: (row) => Object.keys(rows[row] ?? {}),
    locate: (row, field) => {
      const index = lineOf[row]!;
      return { file, position: { line: index + 1, col: field === undefined ? 1 : keyColumn(lines[index]!, field) } };
    },
    describe: (row) => `${file}:${lineOf[row]! + 1}`,
  };
  return { source, problems };
}

/**
 * The column of the first `"field":` in a line (where an editor should put the cursor), else
 * 1. Text inside a string value cannot look like it (its quotes would be escaped); a nested
 * key of the same name can, and then the line is still right.
 */
function keyColumn(line: string, field: string): number {
  const key = JSON.stringify(field);
  for (let at = line.indexOf(key); at !== -1; at = line.indexOf(key, at + 1)) {
    if (/^\s*:/.test(line.slice(at + key.length)) && line[at - 1] !== '\\') return at + 1;
  }
  return 1;
}

/** JSON.parse's message without the echoed line, and the column when it names a position. */
function jsonError(error: unknown): { message: string; col: number } {
  const raw = error instanceof Error ? error.message : String(error);
  const position = / at position (\d+)/.exec(raw);
  const message = raw
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ (?:in JSON )?at position \d+.*$/s, '')
    .trim();
  return { message, col: position ? Number(position[1]) + 1 : 1 };
}
