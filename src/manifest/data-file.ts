/**
 * Reading the data file a `from:` names: inside the manifest's directory (the rule local images
 * follow, for the same reason: see ManifestCode.fileOutside), UTF-8 text within MAX_DATA_BYTES,
 * then CSV (csv-rows.ts) or JSONL (jsonl-rows.ts) by its extension. Every problem is located:
 * at the `from:` when the file cannot be read, in the file when its text is wrong.
 */
import path from 'node:path';
import { csvRows } from './csv-rows.js';
import { classifyImage, realRootOf, statInside } from './images.js';
import { jsonlRows } from './jsonl-rows.js';
import { decodeUtf8, readAtMost } from './manifest-file.js';
import type { PathSegment, Position } from './positions.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import type { RowsRead } from './row-source.js';

/**
 * What all the data files of one manifest may hold together, each counted once: 64 MiB is
 * 100,000 rows (the most shots a manifest may stand for) of some 600 bytes each. A limit per
 * file alone would let a thousand entries hold a thousand such files in memory at once.
 */
export const MAX_DATA_BYTES = 64 * 1024 * 1024;

export class DataFiles {
  readonly #read = new Map<string, Promise<RowsRead>>();
  #realRoot: Promise<string> | undefined;
  /** Bytes of the data files read so far. */
  #bytes = 0;

  /**
   * @param dir the manifest's directory: data files are relative to it and must stay inside it
   * @param manifestFile the manifest path as the caller wrote it: data files are named beside it
   * @param maxRows more rows than this in one file is an error (the file is read no further)
   */
  constructor(
    private readonly dir: string,
    private readonly manifestFile: string,
    private readonly maxRows: number,
  ) {}

  /** The rows of the file `from` names (each file is read once, however many entries name it). */
  rows(from: string, at: readonly PathSegment[]): Promise<RowsRead> {
    // The same path rules as a local image (forward slashes, no drive letters); no URLs.
    const reference = classifyImage(from, this.dir);
    if (reference.kind === 'url' || HAS_SCHEME.test(from)) {
      const hint = 'save the file next to the manifest and name its path: data is read from local files only';
      return failed(problem(ManifestCode.value, at, 'expected a data file beside the manifest, not a URL', hint));
    }
    if (reference.kind === 'invalid') return failed(problem(ManifestCode.value, at, reference.message, reference.hint));
    const format = formatOf(reference.path);
    if (format === undefined) {
      const hint = 'a CSV file with a header row (.csv), or one JSON object per line (.jsonl, .ndjson)';
      return failed(problem(ManifestCode.value, at, `expected a .csv, .jsonl or .ndjson file, got \`${from}\``, hint));
    }
    let read = this.#read.get(reference.path);
    if (read === undefined) {
      read = this.#readFile(reference.path, from, format, at);
      this.#read.set(reference.path, read);
    }
    return read;
  }

  async #readFile(absolute: string, from: string, format: 'csv' | 'jsonl', at: readonly PathSegment[]): Promise<RowsRead> {
    this.#realRoot ??= realRootOf(this.dir);
    const found = await statInside(absolute, this.dir, await this.#realRoot);
    if (!found.ok) {
      if (found.reason === 'outside') {
        const hint = "copy the data file into the manifest's folder";
        return failed(problem(ManifestCode.fileOutside, at, `\`${from}\` ${found.detail}`, hint));
      }
      const message = found.reason === 'directory' ? `\`${from}\` is a directory, expected a data file` : `\`${from}\`: ${found.detail}`;
      return failed(problem(ManifestCode.fileNotFound, at, message, "data files are relative to the manifest's directory"));
    }
    const room = MAX_DATA_BYTES - this.#bytes;
    if (found.bytes > room) return failed(tooLarge(from, found.bytes, this.#bytes, at));
    const bytes = await readAtMost(absolute, room + 1);
    // The file grew between stat and read.
    if (bytes.length > room) return failed(tooLarge(from, bytes.length, this.#bytes, at));
    this.#bytes += bytes.length;

    const file = path.join(path.dirname(this.manifestFile), from);
    const text = decode(bytes);
    if (typeof text !== 'string') {
      return failed({ ...problem(ManifestCode.dataSyntax, at, text.message, 'save the data file as UTF-8 text'), file, position: text.position });
    }
    // The byte-order mark some spreadsheet programs write is not part of the first column's name.
    if (format === 'csv') return csvRows(text.startsWith('\ufeff') ? bytes.subarray(3) : bytes, file, at, this.maxRows);
    return jsonlRows(text.startsWith('\ufeff') ? text.slice(1) : text, file, at, this.maxRows);
  }
}

/** `s3:`, `data:`, `file:`; not `C:/` (a Windows drive, refused by classifyImage with its own message). */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

function formatOf(file: string): 'csv' | 'jsonl' | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return undefined;
}

function failed(p: Problem): Promise<RowsRead> {
  return Promise.resolve({ source: undefined, problems: [p] });
}

function tooLarge(from: string, bytes: number, before: number, at: readonly PathSegment[]): Problem {
  const size = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const others = before === 0 ? '' : ` and the data files before it ${size(before)}`;
  const message = `\`${from}\` is ${size(bytes)}${others}; a manifest's data files may hold ${size(MAX_DATA_BYTES)} together`;
  return problem(ManifestCode.dataTooLarge, at, message, 'split the campaign across several manifests');
}

/** UTF-8 text, or what is wrong with the bytes and where (spreadsheets also save UTF-16 and Latin-1). */
function decode(bytes: Buffer): string | { message: string; position: Position } {
  const text = decodeUtf8(bytes, { keepBom: true });
  if (typeof text === 'string') return text;
  const message =
    text.kind === 'utf16'
      ? `the file is ${text.encoding} text (it starts with a ${text.encoding} byte-order mark)`
      : text.kind === 'nul'
        ? 'the file contains NUL bytes: it looks binary, not CSV or JSONL text'
        : 'the file is not valid UTF-8 text (this byte looks like Latin-1 or Windows-1252)';
  return { message, position: text.position };
}
