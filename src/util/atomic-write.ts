import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncDirectoryShared } from './directory-sync.js';

/**
 * Writes a file so that a crash at any instant leaves either the old content or the new,
 * never a mix: write a temp file beside it, fsync it, rename over the target, fsync the
 * directory so the rename itself survives a power cut. `data` may come in pieces (an
 * iterable of strings), so tens of megabytes need not be one string first.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string>,
  options: { beforeRename?: () => void; durable?: boolean } = {},
): Promise<void> {
  const durable = options.durable ?? true;
  const temp = tempPathFor(path);
  const handle = await open(temp, 'w', 0o644);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for (const piece of coalesced(data)) await handle.write(piece);
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  // Shared with the other renames into the same directory that finish meanwhile (directory-sync.ts).
  if (durable) await syncDirectoryShared(dirname(path));
}

/**
 * Pieces joined into writes of about WRITE_BYTES: each write is a round trip through the
 * thread pool, and a caller's pieces may be tiny (the parsed-lock cache hands over one per
 * entry: 100,000 writes took 5 s at the end of a 100,000-shot apply, the event loop idle
 * in between).
 */
const WRITE_BYTES = 1024 * 1024;

function* coalesced(pieces: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    pending.push(piece);
    length += piece.length;
    if (length >= WRITE_BYTES) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/**
 * writeFileAtomic without leaving the thread: the same temp-fsync-rename-fsync sequence in
 * one blocking call of a millisecond or two, for writes during apply whose asynchronous steps
 * would otherwise queue behind downloads and polls on a busy event loop (the journal's
 * replacement at compaction; the local cache's spec index entries, written not durable).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, options: { durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw error;
  }
  if (durable) syncDirectorySync(dirname(path));
}

/** syncDirectory in one blocking call: makes a rename, a new file or an unlink in `dir` durable. */
export function syncDirectorySync(dir: string): void {
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    /* best effort: not every platform lets a directory be opened for fsync (Windows) */
  }
}

/** A unique temp name beside `path`, so the final rename never crosses file systems. */
export function tempPathFor(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${suffix}`);
}
