/**
 * Every output's stat, and what the hash cache knows of its bytes, read in a worker thread
 * while this one loads the manifest and the lock. At 100,000 outputs the stats (0.8 s) and
 * the hash cache's JSON (0.3 to 0.5 s) were a quarter of a `plan`, with the other CPU idle
 * (BENCHMARKS.md, "Scale"). The thread reads the hash cache as soon as it starts, and stats
 * the outputs once the manifest names them; observeOutputs takes the answers, and a file it
 * must hash is stat'ed again there.
 *
 * Only for a manifest whose hash cache remembers many outputs (a campaign of tens of
 * thousands that was planned before): for a small one a thread costs more than it saves
 * (10,000 outputs: 618 ms without, 678 ms with, ten alternated runs), and a new one has
 * nothing on disk to look at. Not where the compiled worker is not there
 * to load (the TypeScript sources under a test runner).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Manifest } from '../manifest/types.js';
import { hashCacheFile } from './hash-cache.js';

const WORKER_FILE = fileURLToPath(new URL('./output-prefetch-worker.js', import.meta.url));
/** About 20,000 remembered outputs. */
export const PREFETCH_MIN_CACHE_BYTES = 4 * 1024 * 1024;
/** A size that says the path is not a file (missing, a directory). */
export const MISSING = -1;
/** A size that says the stat failed otherwise (EACCES): the main thread tries it itself. */
export const UNREAD = -2;

export interface PrefetchSetup {
  manifestDir: string;
  manifestFile: string;
}

/** The manifest's outputs as written, one per line (one string crosses threads as a copy of its bytes). */
export interface PrefetchOutputs {
  outputs: string;
}

export interface PrefetchReply {
  sizes: Float64Array;
  /** Per output, one per line: the sha256 the hash cache knows for the file as it is now, or an empty line. */
  hashes: string;
}

/** What the prefetch saw of one output: not a file, or its size and (when the cache knew) its sha256. */
export type PrefetchedOutput = 'missing' | { bytes: number; sha256?: string };

/** Output as the manifest writes it (Shot.output) → what was seen; an output not in it was not seen. */
export type PrefetchedOutputs = ReadonlyMap<string, PrefetchedOutput>;

export interface PrefetchOptions {
  minCacheBytes?: number;
  /** For tests: the compiled worker, when running from the sources. */
  workerFile?: string;
}

export class OutputPrefetch {
  #settle: (seen: PrefetchedOutputs | undefined) => void = () => {};
  /** What was seen, or undefined when the thread failed or was not asked. */
  readonly result: Promise<PrefetchedOutputs | undefined>;

  private constructor(private readonly worker: Worker) {
    this.result = new Promise((settle) => (this.#settle = settle));
    worker.once('error', () => this.#settle(undefined));
    worker.once('exit', () => this.#settle(undefined));
    // Never what keeps a command running: a command that fails before look() just ends.
    worker.unref();
  }

  /** Starts the thread for the manifest at `manifestPath`, or undefined when it is not worth it (see above). */
  static start(manifestPath: string, options: PrefetchOptions = {}): OutputPrefetch | undefined {
    const manifestFile = resolve(manifestPath);
    const manifestDir = dirname(manifestFile);
    const workerFile = options.workerFile ?? WORKER_FILE;
    const cacheBytes = statSync(hashCacheFile(manifestDir, manifestFile), { throwIfNoEntry: false })?.size ?? 0;
    if (cacheBytes < (options.minCacheBytes ?? PREFETCH_MIN_CACHE_BYTES) || !existsSync(workerFile)) return undefined;
    return new OutputPrefetch(new Worker(workerFile, { workerData: { manifestDir, manifestFile } satisfies PrefetchSetup }));
  }

  /** Has the thread stat the manifest's outputs; without a lock there is nothing to compare them with, and it stops. */
  look(manifest: Pick<Manifest, 'lockFile' | 'shots'>): void {
    if (!existsSync(manifest.lockFile)) {
      this.stop();
      return;
    }
    const outputs = manifest.shots.map((shot) => shot.output);
    if (outputs.some((output) => output.includes('\n'))) {
      this.stop();
      return;
    }
    this.worker.ref();
    this.worker.once('message', ({ sizes, hashes }: PrefetchReply) => {
      const known = hashes.split('\n');
      const seen = new Map<string, PrefetchedOutput>();
      outputs.forEach((output, index) => {
        const bytes = sizes[index] as number;
        const sha256 = known[index];
        if (bytes === MISSING) seen.set(output, 'missing');
        else if (bytes !== UNREAD) seen.set(output, sha256 ? { bytes, sha256 } : { bytes });
      });
      this.#settle(seen);
    });
    this.worker.postMessage({ outputs: outputs.join('\n') } satisfies PrefetchOutputs);
  }

  stop(): void {
    this.#settle(undefined);
    void this.worker.terminate();
  }
}
