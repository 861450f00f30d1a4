/**
 * The journal file as the lock writer (lock-writer.ts) appends to it: opened once, appended
 * to durably off the event loop, and replaced whole by compaction. The format is journal.ts's.
 */
import { closeSync, constants, fdatasync, fdatasyncSync, ftruncateSync, openSync, readFileSync, readSync, unlinkSync, write } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { syncDirectorySync, writeFileAtomicSync } from '../util/atomic-write.js';
import { crashDue, crashNow } from './crash-points.js';
import { JOURNAL_HEADER } from './journal.js';

/** O_DSYNC where the platform has it: each write returns once its data is durable, in one call. */
const DSYNC = constants.O_DSYNC ?? 0;
const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

export class JournalFile {
  readonly file: string;
  #fd: number;
  /** Bytes of whole records (and the header) in the file. */
  #bytes: number;

  private constructor(file: string, fd: number, bytes: number) {
    this.file = file;
    this.#fd = fd;
    this.#bytes = bytes;
  }

  /**
   * Opens (or creates) the journal for appending. A leftover from a crashed apply keeps its
   * whole records and loses the torn tail of its last append, which was never acknowledged
   * and would otherwise sit in the middle of the journal once more records follow.
   */
  static open(file: string): JournalFile {
    let existing: Buffer | undefined;
    try {
      existing = readFileSync(file);
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
    const fd = openForAppend(file);
    try {
      if (existing === undefined) {
        // The new file's name must survive a power cut as well as its content.
        syncDirectorySync(dirname(file));
        return new JournalFile(file, fd, 0);
      }
      const whole = existing.lastIndexOf(0x0a) + 1;
      if (whole < existing.length) {
        ftruncateSync(fd, whole);
        fdatasyncSync(fd);
      }
      return new JournalFile(file, fd, whole);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Appends `text` (after the header, in an empty journal) and returns once it is durable,
   * with the bytes written. On failure the file is cut back to where it was: a half-written
   * record must not end up in the middle of the journal.
   */
  async append(text: string): Promise<number> {
    const bytes = Buffer.from(this.#bytes === 0 ? JOURNAL_HEADER + text : text);
    try {
      if (crashDue('journal-append')) {
        // Half the batch, but never ending at a line's end: a batch of two records of the
        // same length would otherwise split exactly between them, leaving nothing torn.
        let cut = bytes.length >> 1;
        while (cut > 1 && bytes[cut - 1] === 0x0a) cut -= 1;
        await this.#writeDurably(bytes.subarray(0, cut));
        crashNow();
      }
      await this.#writeDurably(bytes);
    } catch (error) {
      ftruncateSync(this.#fd, this.#bytes);
      throw error;
    }
    this.#bytes += bytes.length;
    return bytes.length;
  }

  /**
   * Replaces the journal with what was appended after byte `mark` (the lock now holds all
   * before it): a new file written whole and renamed over this one, so a crash leaves one
   * journal or the other and never loses an acknowledged record. Returns the bytes written.
   * Must not run while an append is on its way.
   */
  keepFrom(mark: number): number {
    const tail = Buffer.alloc(this.#bytes - mark);
    let read = 0;
    while (read < tail.length) read += readSync(this.#fd, tail, read, tail.length - read, mark + read);
    const header = Buffer.from(JOURNAL_HEADER);
    const content = tail.length === 0 ? tail : Buffer.concat([header, tail.subarray(mark === 0 ? header.length : 0)]);
    writeFileAtomicSync(this.file, content);
    closeSync(this.#fd);
    this.#fd = openForAppend(this.file);
    this.#bytes = content.length;
    return content.length;
  }

  /** Closes and deletes the journal: the lock holds everything it had. */
  remove(): void {
    closeSync(this.#fd);
    unlinkSync(this.file);
    syncDirectorySync(dirname(this.file));
  }

  async #writeDurably(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += (await writeAsync(this.#fd, bytes, written, bytes.length - written)).bytesWritten;
    if (!DSYNC) await fdatasyncAsync(this.#fd);
  }
}

function openForAppend(file: string): number {
  return openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | DSYNC, 0o644);
}
