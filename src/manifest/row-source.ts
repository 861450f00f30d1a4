/**
 * The rows a data-driven entry expands into (DESIGN.md "Manifest"): from a CSV or JSONL file
 * (`from:`, csv-rows.ts and jsonl-rows.ts) or written in the manifest (`rows:`). Each knows
 * where a row and its values are written, so a problem in one row is reported there.
 */
import type { PathSegment, Position } from './positions.js';
import type { Problem } from './problems.js';

/** Where a row's value is written: a position in a data file, or a path in the manifest (`rows:`). */
export type RowLocation = { file: string; position: Position } | { path: PathSegment[] };

/**
 * What reading rows found: the source (without the rows that could not be read), or none when
 * nothing usable was read, and every problem seen, so one run reports them all.
 */
export interface RowsRead {
  source: RowSource | undefined;
  problems: Problem[];
}

export interface RowSource {
  readonly kind: 'csv' | 'jsonl' | 'inline';
  /** The data file as diagnostics name it; undefined for rows written in the manifest. */
  readonly file: string | undefined;
  readonly rowCount: number;
  /** Fields every row has (a CSV header); undefined where each row has its own (JSONL, `rows:`). */
  readonly columns: readonly string[] | undefined;
  /** A row's value of a field, as read (CSV: always text); undefined when the row has no such field. */
  value(row: number, field: string): unknown;
  /** The fields one row has, for "did you mean". */
  fieldsOf(row: number): readonly string[];
  /** Where a row, or one of its values, is written. Only asked when something is wrong. */
  locate(row: number, field?: string): RowLocation;
  /** The row in a message about another row: `leads.csv:15`, `shots[2].rows[3]`. */
  describe(row: number): string;
}

/** `rows: [ {slug: acme, name: Ada}, … ]` written in the manifest: values keep their YAML types. */
export function inlineRows(rows: readonly Record<string, unknown>[], entry: number): RowSource {
  const path = (row: number): PathSegment[] => ['shots', entry, 'rows', row];
  return {
    kind: 'inline',
    file: undefined,
    rowCount: rows.length,
    columns: undefined,
    value: (row, field) => ownValue(rows[row], field),
    fieldsOf: (row) => Object.keys(rows[row] ?? {}),
    locate: (row, field) => ({ path: field !== undefined && ownValue(rows[row], field) !== undefined ? [...path(row), field] : path(row) }),
    describe: (row) => `shots[${entry}].rows[${row}]`,
  };
}

/** A record's own value of `key` (never one inherited from Object.prototype: `{{ constructor }}`). */
export function ownValue(record: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
