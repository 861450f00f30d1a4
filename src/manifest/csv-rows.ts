/**
 * A CSV data file: a header row naming the columns, then one row per shot, read with
 * csv-parse (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes). Every value
 * is text, kept as written; column names are trimmed. Blank lines are skipped.
 *
 * Where rows and values are written is worked out only when a problem needs it: csv-parse's
 * `info` option costs as much as the parse itself, so a second parse with it runs only then,
 * and a value's column comes from parsing its one row again.
 */
import type { CsvError } from 'csv-parse/sync';
import { csvParseSync } from '../util/lazy-libraries.js';
import { didYouMean } from './did-you-mean.js';
import type { PathSegment, Position } from './positions.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import type { RowsRead } from './row-source.js';

/**
 * @param at the manifest path of the `from:` naming the file (diagnostics name it as their field)
 * @param maxRows more rows than this is an error, and the file is read no further
 */
export function csvRows(bytes: Buffer, file: string, at: readonly PathSegment[], maxRows: number): RowsRead {
  const layout = new CsvLayout(bytes);
  let records: string[][];
  try {
    // One record past the limit, to know it was passed (the header is a record too).
    records = csvParseSync().parse(bytes, { relax_column_count: true, to: maxRows + 2 }) as string[][];
  } catch (error) {
    if (!(error instanceof csvParseSync().CsvError)) throw error;
    return { source: undefined, problems: [syntaxError(error, layout, file, at)] };
  }
  const header = records[0];
  if (header === undefined || isBlank(header)) {
    return { source: undefined, problems: [problem(ManifestCode.dataNoRows, at, `${file} is empty: expected a header row naming the columns, then one row per shot`)] };
  }
  const problems: Problem[] = [];
  const columns = new Map<string, number>();
  // `slug, name, city` is how people type a header by hand; values keep their spaces.
  header.map((name) => name.trim()).forEach((name, index) => {
    if (!columns.has(name)) {
      columns.set(name, index);
      return;
    }
    const message = `column \`${name}\` appears twice in the header`;
    problems.push({ ...problem(ManifestCode.dataSyntax, at, message, 'name each column once: `{{ name }}` must say which one it means'), file, position: layout.fieldPosition(0, index) });
  });

  // Row number → record number, past the header and any blank lines.
  const rowRecords: number[] = [];
  for (let record = 1; record < records.length; record++) {
    const values = records[record]!;
    if (isBlank(values)) continue;
    if (values.length !== header.length) {
      const message = `this row has ${values.length} value${values.length === 1 ? '' : 's'}, the header has ${header.length} column${header.length === 1 ? '' : 's'}`;
      const hint = values.length > header.length ? 'quote values that contain a comma: "Paris, France"' : 'give every row a value for every column: an empty one is nothing between two commas';
      problems.push({ ...problem(ManifestCode.dataSyntax, at, message, hint), file, position: layout.recordStart(record) });
      continue;
    }
    rowRecords.push(record);
  }
  // csv-parse stopped at its `to:`: there may be more rows, and none may be dropped unseen (blank
  // lines count towards the stop, so a file this close to the limit is refused).
  if (records.length > maxRows + 1) {
    const message = `${file} has more than ${maxRows.toLocaleString('en-US')} rows, more shots than one manifest may hold`;
    return { source: undefined, problems: [problem(ManifestCode.tooManyShots, at, message, 'split the rows across several data files and manifests')] };
  }
  if (rowRecords.length === 0 && problems.length === 0) {
    problems.push({ ...problem(ManifestCode.dataNoRows, at, `${file} has a header but no rows`, 'add one row per shot below the header'), file, position: layout.recordStart(0) });
  }
  if (rowRecords.length === 0) return { source: undefined, problems };

  const names = [...columns.keys()];
  const recordOf = (row: number) => rowRecords[row]!;
  return {
    problems,
    source: {
      kind: 'csv',
      file,
      rowCount: rowRecords.length,
      columns: names,
      value: (row, field) => {
        const column = columns.get(field);
        return column === undefined ? undefined : records[recordOf(row)]![column];
      },
      fieldsOf: () => names,
      locate: (row, field) => {
        const column = field === undefined ? undefined : columns.get(field);
        return { file, position: column === undefined ? layout.recordStart(recordOf(row)) : layout.fieldPosition(recordOf(row), column) };
      },
      describe: (row) => `${file}:${layout.recordStart(recordOf(row)).line}`,
    },
  };
}

/** A separator other than the comma, which csv-parse would read as one column: worth a hint. */
export function separatorHint(columns: readonly string[]): string | undefined {
  if (columns.length !== 1) return undefined;
  const [only] = columns;
  const separator = [';', '\t', '|'].find((candidate) => only!.includes(candidate));
  if (separator === undefined) return undefined;
  const named = separator === '\t' ? 'tabs' : `\`${separator}\``;
  return `the header looks separated by ${named}, but videogen reads comma-separated values: export the file as CSV with commas`;
}

/** The column a template names, if the header has one close to it. */
export function columnHint(field: string, columns: readonly string[]): string {
  const close = didYouMean(field, columns);
  const listed = columns.length <= 12 ? columns.map((c) => `\`${c}\``).join(', ') : `${columns.length} columns`;
  return close === undefined ? `the header has ${listed}` : `did you mean \`${close}\`? The header has ${listed}`;
}

/** A blank line reads as one empty value. */
function isBlank(values: readonly string[]): boolean {
  return values.length === 1 && values[0] === '';
}

/** Where records and their values start: computed on the first question, by parsing again with `info`. */
class CsvLayout {
  /** Per record: its first byte and its first line. */
  #starts: { byte: number; line: number }[] | undefined;

  constructor(private readonly bytes: Buffer) {}

  recordStart(record: number): Position {
    const start = this.#start(record);
    return { line: start.line, col: 1 };
  }

  /** The position of a record's `column`th value (its opening quote, if quoted). */
  fieldPosition(record: number, column: number): Position {
    const start = this.#start(record);
    const end = this.#start(record + 1);
    const slice = this.bytes.subarray(start.byte, end.byte);
    // csv-parse tells, per value, the byte just past it; the next one starts after the comma.
    const ends: number[] = [];
    try {
      csvParseSync().parse(slice, { relax_column_count: true, to: 1, cast: (value, context) => ((ends[context.index] = context.bytes), value) });
    } catch {
      return { line: start.line, col: 1 };
    }
    const byte = column === 0 ? 0 : (ends[column - 1] ?? -1) + 1;
    if (byte <= 0) return { line: start.line, col: 1 };
    const before = slice.subarray(0, byte).toString('utf8');
    const lastBreak = before.lastIndexOf('\n');
    let lines = 0;
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) lines++;
    return { line: start.line + lines, col: before.length - lastBreak };
  }

  /** Where a record starts (for one past the last: where the next would). */
  #start(record: number): { byte: number; line: number } {
    if (this.#starts === undefined) {
      const starts = [{ byte: 0, line: 1 }];
      try {
        starts.push(...recordEnds(this.bytes));
      } catch (error) {
        // A file with a syntax error: the records before it.
        if (!(error instanceof csvParseSync().CsvError)) throw error;
        if (recordsRead(error) > 0) starts.push(...recordEnds(this.bytes, recordsRead(error)));
      }
      this.#starts = starts;
    }
    return this.#starts[Math.min(record, this.#starts.length - 1)]!;
  }
}

/**
 * Per record, where the next starts: the byte after it (csv-parse's `info.bytes`), and that
 * byte's line, counted here: `info.lines` counts a CRLF inside a quoted value as two lines.
 */
function recordEnds(bytes: Buffer, to?: number): { byte: number; line: number }[] {
  const parsed = csvParseSync().parse(bytes, { relax_column_count: true, info: true, ...(to === undefined ? {} : { to }) }) as unknown as { info: { bytes: number } }[];
  const ends: { byte: number; line: number }[] = [];
  let line = 1;
  let counted = 0;
  for (const { info } of parsed) {
    for (let at = bytes.indexOf(10, counted); at !== -1 && at < info.bytes; at = bytes.indexOf(10, at + 1)) line++;
    counted = info.bytes;
    ends.push({ byte: info.bytes, line });
  }
  return ends;
}

const SYNTAX_MESSAGES: Readonly<Record<string, { message: string; hint: string }>> = {
  CSV_QUOTE_NOT_CLOSED: {
    message: 'a quoted value that starts in this row is never closed',
    hint: 'close the quote; a quote inside a quoted value is written twice: "say ""hi"""',
  },
  CSV_INVALID_CLOSING_QUOTE: {
    message: 'text follows the closing quote of a value in this row',
    hint: 'a quote inside a quoted value is written twice: "say ""hi"""',
  },
  INVALID_OPENING_QUOTE: {
    message: 'a quote in the middle of an unquoted value in this row',
    hint: 'quote the whole value and write the quote inside it twice: "say ""hi"""',
  },
};

/** A row csv-parse could not read, located at the start of that row. */
function syntaxError(error: CsvError, layout: CsvLayout, file: string, at: readonly PathSegment[]): Problem {
  const known = SYNTAX_MESSAGES[error.code];
  const message = known?.message ?? `not valid CSV: ${error.message.split(/ at line \d+/)[0]}`;
  const hint = known?.hint ?? 'check the quoting of this row';
  return { ...problem(ManifestCode.dataSyntax, at, message, hint), file, position: layout.recordStart(recordsRead(error)) };
}

/** How many records csv-parse read before the error (the failing record's number). */
function recordsRead(error: CsvError): number {
  return typeof error.records === 'number' ? error.records : 0;
}
