/**
 * The local cache's spec index as one file, `.videogen/cache/specs.jsonl`: a line of JSON per
 * kept output, appended, the last line for a spec hash winning. The store keeps one object per
 * spec (layout.ts), which an object store needs; on one disk a file per spec cost apply an
 * inode, a temp name and a rename in a directory of 100,000 entries for every shot, and ext4's
 * inode allocation and directory lock were the largest kernel cost of a 100,000-shot run
 * (BENCHMARKS.md). Caches written before this keep their `specs/<hex>.json` files, and
 * local-cache.ts still reads them.
 *
 * Like the rest of the cache, nothing here must survive: appends are not fsynced, and a line
 * cut short by a crash is skipped (the next append starts on a line of its own). Every entry
 * is checked against its spec hash when it is read (spec-index.ts), so a bad line only costs a
 * reuse.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SpecIndexEntry } from './spec-index.js';

/** The spec hash at the start of a line this module wrote (`{"version":1,"spec_hash":"sha256:…"`). */
const LINE_START = /^\{"version":1,"spec_hash":"(sha256:[0-9a-f]{64})"/;

export class SpecLog {
  /** Spec hash → its last line, once read. */
  #lines: Map<string, string> | undefined;
  #reading: Promise<Map<string, string>> | undefined;
  /** Whether this process has appended yet (before the first append, a torn last line is closed). */
  #appended = false;

  constructor(readonly file: string) {}

  /** Spec hash → the JSON of its latest entry: one read of the file, kept for this process. */
  lines(): Promise<ReadonlyMap<string, string>> {
    this.#reading ??= readFile(this.file, 'utf8').then(
      (text) => (this.#lines = linesByHash(text)),
      () => (this.#lines = new Map()),
    );
    return this.#reading;
  }

  /**
   * Appends `entry` as one line, in one write (O_APPEND: two processes appending at once, shards
   * on one machine, do not interleave). Synchronous, like the cache's link: a write of a few
   * hundred bytes to a file that exists is a few microseconds, less than a thread-pool round trip.
   */
  append(entry: SpecIndexEntry): void {
    const line = JSON.stringify(entry);
    const lead = this.#appended || endsWithNewline(this.file) ? '' : '\n';
    appendFileSync(this.file, `${lead}${line}\n`);
    this.#appended = true;
    this.#lines?.set(entry.spec_hash, line);
  }
}

function linesByHash(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const hash = LINE_START.exec(line)?.[1] ?? hashOfOtherLine(line);
    if (hash) lines.set(hash, line);
  }
  return lines;
}

/** A line in another key order (hand-written, or a later version's): parsed to find its hash. */
function hashOfOtherLine(line: string): string | undefined {
  try {
    const hash = (JSON.parse(line) as { spec_hash?: unknown } | null)?.spec_hash;
    return typeof hash === 'string' ? hash : undefined;
  } catch {
    return undefined; // torn by a crash, or not ours
  }
}

/** True for an empty or missing file, or one whose last byte is a newline. */
function endsWithNewline(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
