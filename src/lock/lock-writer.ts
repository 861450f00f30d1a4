/**
 * The lock's single writer during apply. Changes apply to the in-memory lock at once, in
 * call order, and are recorded by appending them to the journal beside the lock
 * (journal.ts, journal-file.ts). One append is on its way to the disk at a time, off the
 * event loop; every change made meanwhile rides in the next one. `await update(...)` returns once an append
 * holding that change is on disk: that is how the executor knows an intent, or a job id, is
 * safe before it goes on.
 *
 * The lock itself is rewritten (compaction) when the journal has grown past the lock's size,
 * and by close() at the end of apply or after an interrupt, which then removes the journal.
 * So the bytes an apply writes grow with its transitions, not with transitions × lock size.
 * Compaction dumps only the entries that changed since the last one (in a worker thread:
 * entry-dumper.ts), writes the new lock asynchronously while appends go on, and then replaces
 * the journal with what was appended meanwhile. Entries that reached an end state (completed,
 * failed) are dumped in that thread as they come, a chunk at a time, so the compaction at the
 * end of a large apply finds their blocks ready instead of dumping a quarter of the lock while
 * the run waits. A crash at any instant leaves a lock and a journal whose replay gives every
 * change that was acknowledged.
 *
 * Each entry is kept as its JSON (the text its journal record holds), not as objects: half
 * the memory of 100,000 entries, a fresh copy on every get(), and what the dumper's thread is
 * sent as it is.
 *
 * `initial` must be what readLock returned (the lock with any leftover journal replayed):
 * the first compaction writes it out and drops the journal it came from.
 */
import { createHash, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { compareOrdinal } from '../util/compare.js';
import { crashDue, crashNow } from './crash-points.js';
import { journalFileFor, journalRecord } from './journal.js';
import { JournalFile } from './journal-file.js';
import { EntryDumper } from './entry-dumper.js';
import { lockDigest, saveCachedLock } from './parsed-cache.js';
import { assembleLock, lockByteLength, lockChunks, serializeEntry } from './serialize.js';
import type { Lock, LockEntry } from './types.js';
import { entryProblem } from './validate.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type LockChange = (entry: LockEntry | undefined) => LockEntry | undefined;

export interface LockWriterOptions {
  /**
   * The journal is compacted once it is larger than the lock and than this. The floor keeps
   * a small lock from being rewritten after every append.
   */
  compactAfterBytes?: number;
}

const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024;
/** Entries per message to the dumper (a few tens of milliseconds of work when it runs in this thread). */
const DUMP_CHUNK = 500;
/** Rounds of dumping what changed meanwhile before a compaction takes its snapshot. */
const DUMP_ROUNDS = 4;
/** States after which an entry seldom changes again in the same run: worth dumping early. */
const SETTLED_STATES: ReadonlySet<string> = new Set(['completed', 'failed']);

export class LockWriter {
  readonly file: string;
  readonly journalFile: string;
  /** Shot id → the entry's JSON. */
  readonly #entries = new Map<string, string>();
  /** Shot id → its job id, for jobIds() without parsing every entry. */
  readonly #jobIdsById = new Map<string, string>();
  /** Each entry's YAML block as last dumped; a changed entry's block is dropped until the next compaction. */
  readonly #blocks = new Map<string, string>();
  #sortedIds: string[] | undefined;
  readonly #compactAfterBytes: number;
  readonly #dumper = new EntryDumper();
  /** Settled entries (SETTLED_STATES) with no block yet, for the dumper's thread while the run goes on. */
  readonly #settledUndumped = new Set<string>();
  #dumpingSettled = false;
  /** Journal records of changes not appended yet. */
  #records: string[] = [];
  #pending: Waiter[] = [];
  #draining: Promise<void> | undefined;
  #journal: JournalFile | undefined;
  /** The append on its way to the disk, if any: a compaction swaps journals only between appends. */
  #appending: Promise<void> | undefined;
  /** Size of the lock on disk (0 when there is none). */
  #lockBytes = 0;
  #compacting: Promise<Compacted> | undefined;
  /** Journal size at which the next compaction starts. */
  #compactAt = 0;
  /** Some change was appended since the lock was last written (or found in a leftover journal). */
  #journalHasChanges = false;
  #writeCount = 0;
  #bytesWritten = 0;
  #closed = false;

  constructor(file: string, initial: Lock, options: LockWriterOptions = {}) {
    this.file = file;
    this.journalFile = journalFileFor(file);
    for (const [id, entry] of Object.entries(initial.shots)) this.#set(id, JSON.stringify(entry), entry.job_id);
    this.#compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
  }

  /** Appends and lock rewrites so far (a rewrite whose text was already on disk does not count). */
  get writeCount(): number {
    return this.#writeCount;
  }

  /** Bytes written to the journal and the lock so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** One entry of the current in-memory lock (a copy), without copying the whole lock. */
  get(id: string): LockEntry | undefined {
    const json = this.#entries.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as LockEntry);
  }

  /** Every job id the lock currently records (to tell a provider which jobs are already ours). */
  jobIds(): Set<string> {
    return new Set(this.#jobIdsById.values());
  }

  /** The current in-memory lock, including changes not yet on disk (a copy). */
  get snapshot(): Lock {
    const shots: Record<string, LockEntry> = {};
    for (const [id, json] of this.#entries) shots[id] = JSON.parse(json) as LockEntry;
    return { version: 1, shots };
  }

  /**
   * Replaces the entry for `id` with what `change` returns (undefined removes it). `change`
   * gets a copy of the current entry, so mutating it is harmless. Resolves when the change is
   * durably in the journal; rejects when that append fails (the change stays in memory and
   * is appended again with the next update or flush).
   */
  update(id: string, change: LockChange): Promise<void> {
    try {
      if (this.#closed) throw new Error(`the lock writer of ${this.file} is closed`);
      const current = this.#entries.get(id);
      const next = change(current === undefined ? undefined : (JSON.parse(current) as LockEntry));
      // Checked now, so a bad entry fails this update instead of the next read of the lock.
      const problem = next === undefined ? undefined : entryProblem(id, next);
      if (problem) {
        // Name the job: if one exists it is billed, and this message is then the only record of it.
        const job = next?.job_id ? ` (job ${next.job_id})` : '';
        throw new Error(`refusing to write an invalid lock entry for ${JSON.stringify(id)}${job}: ${problem}`);
      }
      // Our own copy (the caller may keep and mutate its object); JSON leaves undefined fields
      // out, which the file cannot hold and the spec hash ignores.
      const json = next === undefined ? undefined : JSON.stringify(next);
      if ((current === undefined) !== (json === undefined)) this.#sortedIds = undefined;
      if (json === undefined) {
        this.#entries.delete(id);
        this.#jobIdsById.delete(id);
      } else {
        this.#set(id, json, next?.job_id);
      }
      this.#blocks.delete(id);
      if (next !== undefined && SETTLED_STATES.has(next.state)) this.#settledUndumped.add(id);
      else this.#settledUndumped.delete(id);
      this.#records.push(journalRecord(id, json));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue();
  }

  #set(id: string, json: string, jobId: string | undefined): void {
    this.#entries.set(id, json);
    if (jobId) this.#jobIdsById.set(id, jobId);
    else this.#jobIdsById.delete(id);
  }

  remove(id: string): Promise<void> {
    return this.update(id, () => undefined);
  }

  /** Resolves when every change made so far is on disk. */
  flush(): Promise<void> {
    if (this.#records.length === 0 && this.#draining === undefined) return Promise.resolve();
    return this.#enqueue();
  }

  /**
   * Folds the journal into the lock now: the lock is rewritten (only if its text changed)
   * and the journal emptied. Appends may go on meanwhile; they land in the new journal.
   */
  compact(): Promise<void> {
    return this.#compact().then(() => undefined);
  }

  #compact(options: { digest?: boolean } = {}): Promise<Compacted> {
    this.#compacting ??= this.#compactNow(options).finally(() => {
      this.#compacting = undefined;
    });
    return this.#compacting;
  }

  /**
   * The end of apply (or of an interrupted one): every change on disk, the journal folded
   * into the lock and removed. The lock is not touched when nothing changed.
   */
  async close(): Promise<void> {
    await this.flush();
    // A compaction that failed in the middle of the run is tried once more here, and may throw.
    await this.#compacting?.catch(() => {});
    try {
      if (this.#journalHasChanges) {
        const compacted = await this.#compact({ digest: true });
        const digest = compacted.digest ?? lockDigest(lockChunks(compacted.blocks));
        // No compaction follows: the blocks' memory is better spent on the cache's JSON.
        this.#blocks.clear();
        // The next plan reads this lock from the cache instead of parsing it again.
        await saveCachedLock(this.file, digest, this.#lockJson());
      }
    } finally {
      await this.#dumper.close();
    }
    this.#closed = true;
    if (this.#journal === undefined) return;
    await this.#appendsSettled();
    this.#journal.remove();
    this.#journal = undefined;
  }

  #enqueue(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#pending.push({ resolve, reject }));
    this.#draining ??= this.#drain();
    return done;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        // Let every update that is ready in this turn of the event loop (other responses
        // already read, other timers due) share this append; while it is on its way to the
        // disk, the next batch gathers.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.#pending.splice(0);
        const records = this.#records.splice(0);
        try {
          if (records.length > 0) {
            this.#appending = this.#append(records.join(''));
            await this.#appending;
          }
        } catch (error) {
          this.#records.unshift(...records);
          for (const waiter of batch) waiter.reject(error);
          continue;
        } finally {
          this.#appending = undefined;
        }
        for (const waiter of batch) waiter.resolve();
        // A compaction that fails leaves the journal whole; it is tried again later, and close() reports it.
        if (this.#journal && this.#journal.bytes > this.#compactAt) void this.compact().catch(() => {});
        else if (this.#settledUndumped.size >= DUMP_CHUNK) void this.#dumpSettled();
      }
    } finally {
      this.#draining = undefined;
    }
  }

  async #append(text: string): Promise<void> {
    const bytes = await this.#openJournal().append(text);
    this.#journalHasChanges = true;
    this.#writeCount += 1;
    this.#bytesWritten += bytes;
  }

  async #appendsSettled(): Promise<void> {
    while (this.#appending) await this.#appending.catch(() => {});
  }

  /** The journal, opened on first use; a leftover's records are already in `initial`. */
  #openJournal(): JournalFile {
    if (this.#journal) return this.#journal;
    const journal = JournalFile.open(this.journalFile);
    this.#journalHasChanges = journal.bytes > 0;
    this.#lockBytes = sizeOf(this.file);
    this.#compactAt = Math.max(this.#lockBytes, this.#compactAfterBytes);
    this.#journal = journal;
    return journal;
  }

  /**
   * Returns the blocks of the lock's text as it now is on disk (see lockChunks), and with
   * `digest`, the sha256 of that text, taken as it is written rather than in a second pass
   * over 60 MB at the end of a 100,000-shot apply.
   */
  async #compactNow(options: { digest?: boolean }): Promise<Compacted> {
    const journal = this.#journal;
    try {
      await this.#dumpChangedEntries();
      // From here to the end of the step, synchronous: the text and the journal mark agree.
      const blocks = this.#blocksInOrder();
      const mark = journal?.bytes ?? 0;
      const bytes = lockByteLength(blocks);
      const holds = await this.#lockHolds(blocks, bytes);
      // Only a text being written is hashed on the way; otherwise close() hashes the blocks.
      const hash = options.digest && !holds ? createHash('sha256') : undefined;
      if (!holds) {
        await writeFileAtomic(this.file, hash ? hashedAsRead(lockChunks(blocks), hash) : lockChunks(blocks), {
          beforeRename: () => {
            if (crashDue('compaction-before-rename')) crashNow();
          },
        });
        this.#writeCount += 1;
        this.#bytesWritten += bytes;
      }
      const digest = hash?.digest('hex');
      this.#lockBytes = bytes;
      if (crashDue('compaction-after-rename')) crashNow();
      // Between appends (none may land in the file being replaced), and in one synchronous step.
      await this.#appendsSettled();
      if (journal && this.#journal === journal) {
        this.#bytesWritten += journal.keepFrom(mark);
        this.#journalHasChanges = journal.bytes > 0;
      }
      this.#compactAt = Math.max(this.#lockBytes, this.#compactAfterBytes);
      return { blocks, ...(digest === undefined ? {} : { digest }) };
    } catch (error) {
      // The journal still holds everything: try again once it has grown as much once more.
      if (this.#journal) this.#compactAt = this.#journal.bytes + Math.max(this.#lockBytes, this.#compactAfterBytes);
      throw error;
    }
  }

  /** Whether the lock on disk already holds exactly this text (then it is not rewritten). */
  async #lockHolds(blocks: readonly string[], bytes: number): Promise<boolean> {
    const size = sizeOf(this.file);
    // A CRLF checkout of the same lock is the same lock (one more byte a line); rewriting it would only churn git.
    if (size !== bytes && (size < bytes || size !== bytes + countNewlines(lockChunks(blocks)))) return false;
    const current = await readFile(this.file, 'utf8').catch(() => undefined);
    const text = assembleLock(blocks);
    return current === text || current?.replace(/\r\n/g, '\n') === text;
  }

  /**
   * Dumps the entries whose block is missing, in the dumper's thread, a chunk at a time. An
   * entry that changes while its chunk is away gets no block (it is dumped again), and the
   * few left after the last round are dumped by #blocksInOrder itself.
   */
  async #dumpChangedEntries(): Promise<void> {
    for (let round = 0; round < DUMP_ROUNDS; round += 1) {
      const missing = this.#ids().filter((id) => !this.#blocks.has(id) && this.#entries.has(id));
      if (missing.length === 0) return;
      const inThread = missing.length <= DUMP_CHUNK;
      for (let start = 0; start < missing.length; start += DUMP_CHUNK) {
        const entries = missing.slice(start, start + DUMP_CHUNK).map((id): [string, string] => [id, this.#entries.get(id) as string]);
        await this.#dumpIntoBlocks(entries, inThread);
      }
    }
  }

  /**
   * One chunk of settled entries to the dumper's thread, while nothing else is being dumped.
   * Best effort: an entry that changes meanwhile, or a failed dump, leaves its block to the
   * next compaction.
   */
  async #dumpSettled(): Promise<void> {
    if (this.#dumpingSettled || this.#compacting || this.#closed) return;
    this.#dumpingSettled = true;
    try {
      const entries: [string, string][] = [];
      for (const id of this.#settledUndumped) {
        this.#settledUndumped.delete(id);
        const json = this.#entries.get(id);
        if (json !== undefined && !this.#blocks.has(id)) entries.push([id, json]);
        if (entries.length === DUMP_CHUNK) break;
      }
      await this.#dumpIntoBlocks(entries);
    } catch {
      // The compaction dumps whatever is still missing.
    } finally {
      this.#dumpingSettled = false;
    }
  }

  /** Dumps `entries` (id, JSON) and keeps the block of each that did not change meanwhile. */
  async #dumpIntoBlocks(entries: [id: string, json: string][], inThread = false): Promise<void> {
    const blocks = await this.#dumper.dump(entries, inThread);
    if (this.#closed) return;
    entries.forEach(([id, json], index) => {
      if (this.#entries.get(id) === json) this.#blocks.set(id, blocks[index] as string);
    });
  }

  /** The lock as JSON, in pieces, from the entries' own JSON: what the parsed-lock cache holds. */
  *#lockJson(): Generator<string> {
    yield '{"version":1,"shots":{';
    let first = true;
    for (const [id, json] of this.#entries) {
      yield `${first ? '' : ','}${JSON.stringify(id)}:${json}`;
      first = false;
    }
    yield '}}';
  }

  #ids(): string[] {
    this.#sortedIds ??= [...this.#entries.keys()].sort(compareOrdinal);
    return this.#sortedIds;
  }

  /** Every entry's block in id order; the few still missing (changed during the last round) are dumped here. */
  #blocksInOrder(): string[] {
    return this.#ids().map((id) => {
      let block = this.#blocks.get(id);
      if (block === undefined) {
        block = serializeEntry(id, JSON.parse(this.#entries.get(id) as string) as LockEntry);
        this.#blocks.set(id, block);
      }
      return block;
    });
  }
}

/** What a compaction leaves: the lock's blocks, and the digest of its text when asked for and written. */
interface Compacted {
  blocks: readonly string[];
  digest?: string;
}

/** The pieces as they are, each added to `hash` as it is taken. */
function* hashedAsRead(pieces: Iterable<string>, hash: Hash): Generator<string> {
  for (const piece of pieces) {
    hash.update(piece);
    yield piece;
  }
}

function countNewlines(pieces: Iterable<string>): number {
  let count = 0;
  for (const piece of pieces) for (let at = piece.indexOf('\n'); at !== -1; at = piece.indexOf('\n', at + 1)) count += 1;
  return count;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

