/**
 * Writing bytes that must be exactly what their name says: streamed to a temp file beside
 * the destination while hashing, fsynced, and renamed into place only when the sha256 and
 * the size match. Nothing is buffered whole, and a failure leaves no temp file behind and
 * the destination as it was.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempPathFor } from '../util/atomic-write.js';
import { syncDirectoryShared } from '../util/directory-sync.js';
import { corruptObject } from './errors.js';

export interface ExpectedBytes {
  sha256: string;
  bytes: number;
}

export interface VerifiedWriteOptions {
  signal?: AbortSignal;
  /** Total bytes so far, as they arrive. */
  onProgress?: (bytes: number) => void;
}

/** `where` names the source in the error when the bytes are not the expected ones (`s3://b/p/sha256/…`). */
export async function writeVerified(
  source: Readable,
  dest: string,
  expected: ExpectedBytes,
  where: string,
  options: VerifiedWriteOptions = {},
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const temp = tempPathFor(dest, 'part');
  const hash = createHash('sha256');
  let seen = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      // A store that sends more than the object can hold is not worth the disk space.
      if (seen > expected.bytes) return callback(corruptObject(where, expected, { sha256: 'unknown', bytes: seen }));
      hash.update(chunk);
      options.onProgress?.(seen);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(temp), ...(options.signal ? [{ signal: options.signal }] : []));
    const got = { sha256: hash.digest('hex'), bytes: seen };
    if (got.bytes !== expected.bytes || got.sha256 !== expected.sha256) throw corruptObject(where, expected, got);
    await syncFile(temp);
    await rename(temp, dest);
  } catch (error) {
    source.destroy();
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  // Makes the rename itself durable (best effort), one sync shared by the renames around it.
  await syncDirectoryShared(dirname(dest));
}

/** fsync of a file's bytes (directories: syncDirectoryShared). */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
