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
import { open } from 'node:fs/promises';
import type { SpecIndexEntry } from './spec-index.js';

/** How a line this module wrote starts: the spec hash's 64 hex digits and a quote follow. */
const LINE_START = Buffer.from('{"version":1,"spec_hash":"sha256:', 'latin1');
const HEX_64 = /^[0-9a-f]{64}$/;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const CLOSING_BRACE = 0x7d;

/** Where a line is in the file, in bytes (without its newline). */
interface Place {
  offset: number;
  length: number;
}

export class SpecLog {
  /**
   * Spec hash → where its last line is, or the line itself when this process appended it. Only
   * places are kept for what was read, not lines: a log of a million outputs is 400 MB of text.
   */
  #index: Promise<Map<string, Place | string>> | undefined;
  /** Whether this process has appended yet (before the first append, a torn last line is closed). */
  #appended = false;

  constructor(
    readonly file: string,
    private readonly chunkBytes = 1024 * 1024,
  ) {}

  /** Every spec hash the log has a line for: one pass over the file, kept for this process. */
  async hashes(): Promise<Set<string>> {
    return new Set((await this.#indexed()).keys());
  }

  /** The latest line for `specHash`, or undefined. */
  async line(specHash: string): Promise<string | undefined> {
    const place = (await this.#indexed()).get(specHash);
    if (place === undefined || typeof place === 'string') return place;
    const handle = await open(this.file, 'r');
    try {
      const bytes = Buffer.alloc(place.length);
      const { bytesRead } = await handle.read(bytes, 0, place.length, place.offset);
      return bytes.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
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
    void this.#index?.then((index) => index.set(entry.spec_hash, line));
  }

  #indexed(): Promise<Map<string, Place | string>> {
    this.#index ??= indexLines(this.file, this.chunkBytes).catch(() => new Map());
    return this.#index;
  }
}

/** Reads the log a chunk at a time and notes where each hash's last line is. */
async function indexLines(file: string, chunkBytes: number): Promise<Map<string, Place | string>> {
  const index = new Map<string, Place | string>();
  const handle = await open(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryOffset = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, carryOffset + carry.length);
      if (bytesRead === 0) break;
      const text = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let end = text.indexOf(NEWLINE); end !== -1; end = text.indexOf(NEWLINE, start)) {
        noteLine(index, text.subarray(start, end), carryOffset + start);
        start = end + 1;
      }
      carry = Buffer.from(text.subarray(start));
      carryOffset += start;
    }
    // A last line without its newline was cut short by a crash (an append writes both at once).
  } finally {
    await handle.close();
  }
  return index;
}

function noteLine(index: Map<string, Place | string>, bytes: Buffer, offset: number): void {
  const length = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  // An entry is one JSON object: a line that does not end as one was cut short (and the next
  // append put a newline after it), and must not hide an earlier whole line for its spec.
  if (length === 0 || bytes[length - 1] !== CLOSING_BRACE) return;
  const hash = hashAtStart(bytes) ?? hashOfOtherLine(bytes.toString('utf8', 0, length));
  if (hash) index.set(hash, { offset, length });
}

/** The spec hash of a line in this module's key order, read from its bytes without decoding the line. */
function hashAtStart(bytes: Buffer): string | undefined {
  const end = LINE_START.length + 64;
  if (bytes.length <= end || bytes[end] !== QUOTE || bytes.compare(LINE_START, 0, LINE_START.length, 0, LINE_START.length) !== 0) return undefined;
  const hex = bytes.toString('latin1', LINE_START.length, end);
  return HEX_64.test(hex) ? `sha256:${hex}` : undefined;
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
    return last[0] === NEWLINE;
  } finally {
    closeSync(fd);
  }
}
