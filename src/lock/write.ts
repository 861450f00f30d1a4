/**
 * Writing `shots.lock.yaml` whole, outside apply (prune, a lock assembled by a program):
 * serialise, and touch the file only when the bytes change, so a lock that is already right
 * is left alone (and its mtime, and git). The write is atomic: a crash leaves the old lock or
 * the new one, never half of one. A journal beside it is then removed: the lock written is
 * the whole truth, and replaying an older journal over it would undo what it says.
 */
import { readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectorySync, writeFileAtomic } from '../util/atomic-write.js';
import { journalFileFor } from './journal.js';
import { serializeLock } from './serialize.js';
import type { Lock } from './types.js';

/** Returns true when the file was written, false when it already held exactly this lock. */
export async function writeLock(file: string, lock: Lock): Promise<boolean> {
  const text = serializeLock(lock);
  const current = await readCurrent(file);
  // A CRLF checkout of the same lock is the same lock; rewriting it would only churn git.
  const same = current !== undefined && (current === text || current.replace(/\r\n/g, '\n') === text);
  if (!same) await writeFileAtomic(file, text);
  await removeJournal(file);
  return !same;
}

async function removeJournal(lockFile: string): Promise<void> {
  try {
    await unlink(journalFileFor(lockFile));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
    throw error;
  }
  syncDirectorySync(dirname(lockFile));
}

async function readCurrent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR')) return undefined;
    throw error;
  }
}
