/**
 * The lock's single writer during apply. Changes apply to the in-memory lock at once, in
 * call order; writes happen one at a time, and every change made while a write is in flight
 * rides along in the next one. `await update(...)` returns once a write containing that
 * change is on disk: that is how the executor knows a job id is safe before it polls.
 */
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { assembleLock, serializeEntry } from './serialize.js';
import { compareOrdinal } from '../util/compare.js';
import type { Lock, LockEntry } from './types.js';
import { entryProblem } from './validate.js';
import { writeLockText } from './write.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type LockChange = (entry: LockEntry | undefined) => LockEntry | undefined;

export class LockWriter {
  readonly file: string;
  readonly #shots: Record<string, LockEntry>;
  /** Serialised block of each entry, so a write re-serialises only what changed (10,000 shots!). */
  readonly #blocks = new Map<string, string>();
  #sortedIds: string[] | undefined;
  #pending: Waiter[] = [];
  #draining: Promise<void> | undefined;
  /** Some change is not known to be on disk yet (pending, or its write failed). */
  #dirty = false;
  /** What the last successful write left on disk; undefined until the first write. */
  #lastWritten: string | undefined;
  #writeCount = 0;

  constructor(file: string, initial: Lock) {
    this.file = file;
    this.#shots = { ...initial.shots };
  }

  /** Files actually written so far (a batch whose text was already on disk does not count). */
  get writeCount(): number {
    return this.#writeCount;
  }

  /** One entry of the current in-memory lock (a copy), without copying the whole lock. */
  get(id: string): LockEntry | undefined {
    const entry = Object.hasOwn(this.#shots, id) ? this.#shots[id] : undefined;
    return entry === undefined ? undefined : structuredClone(entry);
  }

  /** Every job id the lock currently records (to tell a provider which jobs are already ours). */
  jobIds(): Set<string> {
    const ids = new Set<string>();
    for (const entry of Object.values(this.#shots)) if (entry.job_id) ids.add(entry.job_id);
    return ids;
  }

  /** The current in-memory lock, including changes not yet on disk. Treat it as read-only. */
  get snapshot(): Lock {
    return { version: 1, shots: { ...this.#shots } };
  }

  /**
   * Replaces the entry for `id` with what `change` returns (undefined removes it). `change`
   * gets a copy of the current entry, so mutating it is harmless. Resolves when the change is
   * durably written; rejects when that write fails (the change stays in memory, and the next
   * update or flush writes it again).
   */
  update(id: string, change: LockChange): Promise<void> {
    try {
      const current = Object.hasOwn(this.#shots, id) ? this.#shots[id] : undefined;
      const changed = change(current === undefined ? undefined : structuredClone(current));
      // Our own copy (the caller may keep and mutate its object), without undefined fields,
      // which the file cannot hold and the spec hash ignores.
      const next = changed === undefined ? undefined : (withoutUndefined(changed) as LockEntry);
      // Checked and serialised now, so a bad entry fails this update instead of every later write
      // or, worse, the next read of the lock.
      const problem = next === undefined ? undefined : entryProblem(id, next);
      if (problem) {
        // Name the job: if one exists it is billed, and this message is then the only record of it.
        const job = next?.job_id ? ` (job ${next.job_id})` : '';
        throw new Error(`refusing to write an invalid lock entry for ${JSON.stringify(id)}${job}: ${problem}`);
      }
      const block = next === undefined ? undefined : serializeEntry(id, next);
      if ((current === undefined) !== (next === undefined)) this.#sortedIds = undefined;
      if (next === undefined || block === undefined) {
        delete this.#shots[id];
        this.#blocks.delete(id);
      } else {
        this.#shots[id] = next;
        this.#blocks.set(id, block);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    this.#dirty = true;
    return this.#enqueue();
  }

  remove(id: string): Promise<void> {
    return this.update(id, () => undefined);
  }

  /** Resolves when every change made so far is on disk. */
  flush(): Promise<void> {
    if (!this.#dirty && this.#draining === undefined) return Promise.resolve();
    return this.#enqueue();
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
        // already read, other timers due) share this write: at 50 jobs finishing together that
        // is one write instead of fifty.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.#pending.splice(0);
        const text = this.#serialize();
        this.#dirty = false;
        try {
          await this.#write(text);
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          this.#dirty = true;
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  #serialize(): string {
    this.#sortedIds ??= Object.keys(this.#shots).sort(compareOrdinal);
    return assembleLock(
      this.#sortedIds.map((id) => {
        let block = this.#blocks.get(id);
        if (block === undefined) {
          block = serializeEntry(id, this.#shots[id] as LockEntry);
          this.#blocks.set(id, block);
        }
        return block;
      }),
    );
  }

  async #write(text: string): Promise<void> {
    if (this.#lastWritten === undefined) {
      // First write: the file may already hold exactly this (an apply that changed nothing).
      if (await writeLockText(this.file, text)) this.#writeCount += 1;
    } else if (text !== this.#lastWritten) {
      writeFileAtomicSync(this.file, text);
      this.#writeCount += 1;
    }
    this.#lastWritten = text;
  }
}

/** A deep copy of a JSON-like value with undefined object fields left out. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) copy[key] = withoutUndefined(field);
  }
  return copy;
}
