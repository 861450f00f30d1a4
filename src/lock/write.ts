/**
 * Writing `shots.lock.yaml`: serialise, and touch the file only when the bytes change, so an
 * apply that changed nothing leaves the lock (and its mtime, and git) alone. Writes are
 * atomic: a crash leaves the old lock or the new one, never half of one.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { serializeLock } from './serialize.js';
import type { Lock } from './types.js';

/** Returns true when the file was written, false when it already held exactly this lock. */
export async function writeLock(file: string, lock: Lock): Promise<boolean> {
  return writeLockText(file, serializeLock(lock));
}

/** As writeLock, for text already serialised. */
export async function writeLockText(file: string, text: string): Promise<boolean> {
  const current = await readCurrent(file);
  // A CRLF checkout of the same lock is the same lock; rewriting it would only churn git.
  if (current !== undefined && (current === text || current.replace(/\r\n/g, '\n') === text)) return false;
  await writeFileAtomic(file, text);
  return true;
}

async function readCurrent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR')) return undefined;
    throw error;
  }
}
