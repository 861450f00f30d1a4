/**
 * Remembers the sha256 of output files by their stat identity, as git's index does, so that
 * planning 10,000 shots does not re-read 10,000 videos: a file whose size, mtime, ctime and
 * inode are unchanged since it was hashed has the same bytes. Anything else (a touched,
 * replaced or copied file) is hashed again.
 *
 * It lives in `.videogen/` beside the manifest, which carries its own `.gitignore` (as
 * `.pytest_cache/` does), so it never reaches git. It is only a cache: a missing, corrupt
 * or unwritable one just means hashing again.
 */
import { readFileSync, type BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ensureVideogenDir, videogenDir } from '../util/videogen-dir.js';

const CACHE_VERSION = 1;

/**
 * A file modified within this long of being hashed may change again within the same
 * timestamp tick without its mtime moving ("racily clean" in git's terms): such files are
 * hashed but not remembered.
 */
const RACY_WINDOW_NS = 2_000_000_000n;

type Identity = [size: string, mtimeNs: string, ctimeNs: string, ino: string];

interface CacheFile {
  version: number;
  files: Record<string, { id: Identity; sha256: string }>;
}

export class OutputHashCache {
  private changed = false;
  #files: CacheFile['files'] | undefined;

  private constructor(
    private readonly manifestDir: string,
    private readonly file: string | undefined,
    files?: CacheFile['files'],
  ) {
    this.#files = files;
  }

  /** The cache for the manifest at `manifestFile`; `undefined` file means "do not persist". */
  static async open(manifestDir: string, manifestFile: string): Promise<OutputHashCache> {
    const file = hashCacheFile(manifestDir, manifestFile);
    return new OutputHashCache(manifestDir, file, parseCacheFile(await readFile(file, 'utf8').catch(() => undefined)));
  }

  /**
   * The same cache, read only when first asked: a plan whose outputs were prefetched
   * (output-prefetch.ts) asks only when it has a file to hash, which is rare.
   */
  static deferred(manifestDir: string, manifestFile: string): OutputHashCache {
    return new OutputHashCache(manifestDir, hashCacheFile(manifestDir, manifestFile));
  }

  static empty(): OutputHashCache {
    return new OutputHashCache('', undefined, {});
  }

  private get files(): CacheFile['files'] {
    this.#files ??= parseCacheFile(this.file === undefined ? undefined : readFileIfAny(this.file));
    return this.#files;
  }

  lookup(path: string, stats: BigIntStats): string | undefined {
    const cached = Object.hasOwn(this.files, path) ? this.files[path] : undefined;
    if (!cached) return undefined;
    const id = identityOf(stats);
    return cached.id.every((part, i) => part === id[i]) ? cached.sha256 : undefined;
  }

  remember(path: string, stats: BigIntStats, sha256: string, nowNs: bigint = BigInt(Date.now()) * 1_000_000n): void {
    if (nowNs - stats.mtimeNs < RACY_WINDOW_NS || nowNs - stats.ctimeNs < RACY_WINDOW_NS) return;
    this.files[path] = { id: identityOf(stats), sha256 };
    this.changed = true;
  }

  /** Best effort: a cache that cannot be written costs time, never correctness. */
  async save(): Promise<void> {
    if (!this.file || !this.changed) return;
    try {
      await ensureVideogenDir(this.manifestDir);
      await writeFileAtomic(this.file, JSON.stringify({ version: CACHE_VERSION, files: this.files }));
      this.changed = false;
    } catch {
      /* read-only checkout, full disk: hash again next time */
    }
  }
}

/** Where the cache of the manifest at `manifestFile` lives. */
export function hashCacheFile(manifestDir: string, manifestFile: string): string {
  return join(videogenDir(manifestDir), `${basename(manifestFile)}.output-hashes.json`);
}

/** The remembered files in a cache file's text; none when it is missing, corrupt or of another version. */
function parseCacheFile(text: string | undefined): CacheFile['files'] {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<CacheFile>;
    if (parsed.version === CACHE_VERSION && parsed.files && typeof parsed.files === 'object') return parsed.files;
  } catch {
    /* missing or corrupt: start empty */
  }
  return {};
}

function readFileIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function identityOf(stats: BigIntStats): Identity {
  return [String(stats.size), String(stats.mtimeNs), String(stats.ctimeNs), String(stats.ino)];
}
