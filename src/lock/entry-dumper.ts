/**
 * YAML blocks of lock entries for compaction, dumped in a worker thread. js-yaml needs about
 * 50 µs and 20 KB of garbage per entry: a compaction of 100,000 entries on the event loop
 * would stall every poll and download of a run for seconds. The worker is sent each entry's
 * JSON and sends its block back: two strings.
 *
 * Where the compiled worker is not there to load (the TypeScript sources under a test
 * runner), entries are dumped in this thread instead: same function, same bytes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DumpReply, DumpRequest } from './entry-dump-worker.js';
import { serializeEntry } from './serialize.js';
import type { LockEntry } from './types.js';

const WORKER_FILE = fileURLToPath(new URL('./entry-dump-worker.js', import.meta.url));

export class EntryDumper {
  #worker: Worker | undefined;
  #seq = 0;
  readonly #waiting = new Map<number, { resolve: (blocks: string[]) => void; reject: (error: Error) => void }>();
  #failed: Error | undefined;

  /**
   * The blocks of `entries` (each given as its JSON), in order. `inThread` dumps them here
   * unless the thread is already running: for a few hundred entries starting one costs more
   * (its start, its memory) than it saves, but once it runs, sending them is cheaper than the
   * dump and its garbage on the event loop.
   */
  dump(entries: [id: string, entryJson: string][], inThread = false): Promise<string[]> {
    const worker = inThread && !this.#worker ? undefined : this.#workerOrNone();
    if (!worker) return Promise.resolve(entries.map(([id, json]) => serializeEntry(id, JSON.parse(json) as LockEntry)));
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, entries } satisfies DumpRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #workerOrNone(): Worker | undefined {
    if (this.#worker || this.#failed || !existsSync(WORKER_FILE)) return this.#worker;
    const worker = new Worker(WORKER_FILE);
    // A run that ends without close() must not be kept alive by an idle dumper.
    worker.unref();
    worker.on('message', (reply: DumpReply) => {
      const waiter = this.#waiting.get(reply.seq);
      this.#waiting.delete(reply.seq);
      if ('error' in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.blocks);
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', () => this.#fail(new Error('the lock dumper thread exited')));
    this.#worker = worker;
    return worker;
  }

  /** A dead worker fails what it was doing; later dumps happen in this thread. */
  #fail(error: Error): void {
    if (this.#worker === undefined) return;
    this.#failed = error;
    this.#worker = undefined;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}
