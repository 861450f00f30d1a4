/**
 * The local output cache, `.videogen/cache/` beside the manifest: the store's layout on one
 * machine (layout.ts), with or without `storage:`. Every output apply keeps is linked in, so
 * a renamed shot, a reverted prompt or a switched branch finds its video here for free, and
 * `pull` restores from here before asking the store.
 *
 * Files are hard links where the file system allows (no second copy of a 256 MB video),
 * copies otherwise. A hard link shares its bytes with the output, so an output edited in
 * place changes the cached copy too: that is why every read from the cache is verified by
 * sha256, and a copy that no longer matches is dropped rather than handed out.
 *
 * What the cache needs to survive: nothing. It can be rebuilt (from the outputs the lock
 * names, or the store), every object is checked against its sha256 before use and every
 * spec index entry against its spec hash, and the lock alone says what is paid for. So what
 * apply adds for each new output (a link, a line in the spec index log) is written without
 * fsyncs: a power cut may lose the last few of them, or leave a torn line that is skipped,
 * and either way a later apply at worst fails to reuse a video it could have.
 * What comes out of the cache into an output (checkout) and what comes in from the store
 * (receive) are durable, as every output is. These additions are also synchronous: a link
 * or a 600-byte append without fsync is tens of microseconds, less than the round trip
 * through the thread pool each asynchronous step costs (at 1,000 shots a second, about a
 * tenth of the event loop went into these steps and their fsyncs, see BENCHMARKS.md).
 */
import { constants, createReadStream, linkSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hashFile } from '../plan/observe.js';
import { tempPathFor } from '../util/atomic-write.js';
import { syncDirectoryShared } from '../util/directory-sync.js';
import { ensureVideogenDir, videogenDir } from '../util/videogen-dir.js';
import { corruptObject } from './errors.js';
import { objectKey, SPEC_DIR, SPEC_LOG, specHashOfFileName, specKey } from './layout.js';
import { parseSpecIndexEntry, type SpecIndexEntry } from './spec-index.js';
import { SpecLog } from './spec-log.js';
import { syncFile, writeVerified, type ExpectedBytes, type VerifiedWriteOptions } from './verified-write.js';
import type { Readable } from 'node:stream';

export type PlaceMethod = 'linked' | 'copied';

export class LocalCache {
  private ready: Promise<void> | undefined;
  private readonly specLog: SpecLog;

  private constructor(
    private readonly manifestDir: string,
    /** `<manifest dir>/.videogen/cache`. */
    readonly root: string,
  ) {
    this.specLog = new SpecLog(join(root, SPEC_LOG));
  }

  static forManifest(manifestDir: string): LocalCache {
    return new LocalCache(manifestDir, join(videogenDir(manifestDir), 'cache'));
  }

  objectPath(sha256: string): string {
    return join(this.root, ...objectKey(sha256).split('/'));
  }

  /** Whether an object of this name and size is here (its bytes are checked when it is used). */
  async hasObject(output: ExpectedBytes): Promise<boolean> {
    const info = await stat(this.objectPath(output.sha256)).catch(() => undefined);
    return info !== undefined && info.isFile() && info.size === output.bytes;
  }

  /**
   * Takes in an output whose bytes the caller verified (a download, an output that matched
   * the lock). Does nothing when the object is already here. Not durable (see above).
   */
  async addFile(path: string, output: ExpectedBytes): Promise<void> {
    await this.ensureVideogenDir();
    const target = this.objectPath(output.sha256);
    // A link appears whole, so it needs no temp name; only replacing a wrong object does.
    try {
      await withDirectory(target, () => linkSync(path, target));
      return;
    } catch (error) {
      if (errorCode(error) === 'EEXIST' && sizeOf(target) === output.bytes) return;
      if (errorCode(error) !== 'EEXIST' && !canFallBackToCopy(error)) throw error;
    }
    await placeAtomically(path, target);
  }

  /** Streams bytes from elsewhere (the store) into the cache, verified on the way in. */
  async receive(source: Readable, output: ExpectedBytes, where: string, options?: VerifiedWriteOptions): Promise<void> {
    const target = this.objectPath(output.sha256);
    await this.ensureDir(dirname(target));
    await writeVerified(source, target, output, where, options);
  }

  /**
   * Puts the cached object at `dest` (replacing what is there, atomically), after checking
   * its bytes unless the caller just verified them. A damaged object is removed and reported.
   */
  async checkout(output: ExpectedBytes, dest: string, options: { verified?: boolean } = {}): Promise<PlaceMethod> {
    const source = this.objectPath(output.sha256);
    if (!options.verified) await this.verify(output);
    await mkdir(dirname(dest), { recursive: true });
    return placeAtomically(source, dest);
  }

  /** Throws VIDEOGEN_STORAGE_CORRUPT (after removing the object) when its bytes are not its name. */
  async verify(output: ExpectedBytes): Promise<void> {
    const path = this.objectPath(output.sha256);
    const bytes = (await stat(path)).size;
    const sha256 = bytes === output.bytes ? await hashFile(path, bytes) : 'unknown';
    if (sha256 === output.sha256) return;
    await rm(path, { force: true });
    throw corruptObject(`the local cache's ${path}`, output, { sha256, bytes });
  }

  /** Opens a cached object for reading (an upload from the cache when the output is gone). */
  openObject(sha256: string): Readable {
    return createReadStream(this.objectPath(sha256), { highWaterMark: 1024 * 1024 });
  }

  /** Every spec hash with an index entry here: one read of the log and one of the older files' directory. */
  async specHashes(): Promise<Set<string>> {
    const names = await readdir(join(this.root, SPEC_DIR)).catch(() => [] as string[]);
    const hashes = await this.specLog.hashes();
    for (const name of names) {
      const hash = specHashOfFileName(name);
      if (hash) hashes.add(hash);
    }
    return hashes;
  }

  /** The entry for `specHash`, or undefined when there is none or it cannot be trusted. */
  async readSpec(specHash: string): Promise<SpecIndexEntry | undefined> {
    const line = await this.specLog.line(specHash);
    const logged = line === undefined ? undefined : parseSpecIndexEntry(line, specHash);
    if (logged && !('problem' in logged)) return logged;
    // A cache written before the log keeps a file per spec.
    const text = await readFile(join(this.root, specKey(specHash)), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const entry = parseSpecIndexEntry(text, specHash);
    return 'problem' in entry ? undefined : entry;
  }

  /** Appended to the spec index log (spec-log.ts); not durable (see above). */
  async writeSpec(entry: SpecIndexEntry): Promise<void> {
    await this.ensureVideogenDir();
    await withDirectory(this.specLog.file, () => this.specLog.append(entry));
  }

  /** `.videogen/` with its .gitignore first, so the cache never reaches git. */
  private async ensureDir(dir: string): Promise<void> {
    await this.ensureVideogenDir();
    await mkdir(dir, { recursive: true });
  }

  private async ensureVideogenDir(): Promise<void> {
    this.ready ??= ensureVideogenDir(this.manifestDir).then(() => undefined);
    await this.ready;
  }
}

/**
 * Runs `create` (which makes `path`), creating its directory first when it is missing. The
 * directory is made in the thread pool: on a busy disk a mkdir waits on the file system's
 * journal, and the 256 fan-out directories of a new cache cost the event loop 0.45 s that way.
 */
async function withDirectory(path: string, create: () => void): Promise<void> {
  try {
    create();
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    create();
  }
}

function sizeOf(path: string): number | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * `source` appears at `target` in one rename: a hard link where the file system allows,
 * else a copy (a clone where the file system can, as on btrfs, XFS and APFS), fsynced first.
 */
async function placeAtomically(source: string, target: string): Promise<PlaceMethod> {
  const temp = tempPathFor(target, 'part');
  let method: PlaceMethod = 'linked';
  try {
    try {
      await link(source, temp);
    } catch (error) {
      if (!canFallBackToCopy(error)) throw error;
      method = 'copied';
      await copyFile(source, temp, constants.COPYFILE_FICLONE);
      await syncFile(temp);
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  // When target already was a link to the same file, rename(2) succeeds and does nothing,
  // leaving the temp name behind.
  await rm(temp, { force: true }).catch(() => {});
  await syncDirectoryShared(dirname(target));
  return method;
}

/** Other file systems, no hard links (FAT, some network mounts), or too many links to one file. */
function canFallBackToCopy(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK' || code === 'ENOSYS';
}
