/**
 * `videogen lock merge <lock>… [--into shots.lock.yaml]`: the locks of N shard jobs back into
 * the campaign's lock (DESIGN.md "Sharding"). `--into` holds the lock every shard started
 * from; each shard's changes against it are taken (src/lock/merge.ts). Two shards changing
 * one entry differently stop the merge (exit 3) with nothing written. Held under the apply
 * mutex, so no apply can write the lock meanwhile; the write is atomic.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError, VideogenError } from '../errors.js';
import { acquireApplyMutex } from '../lock/apply-mutex.js';
import { mergeLocks } from '../lock/merge.js';
import { readLock } from '../lock/read.js';
import { writeLock } from '../lock/write.js';
import type { CommandIO } from './options.js';

/** `options.into` comes with the CLI's default, shots.lock.yaml. */
export async function runLockMerge(files: string[], options: { into: string }, io: CommandIO): Promise<number> {
  const { into } = options;
  for (const file of files) {
    if (resolve(file) === resolve(into)) throw new UsageError(`${file} is the lock being merged into`, 'name the shard locks, and the campaign lock with --into');
    // A missing artifact must not read as a shard that did nothing.
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`${file}: no such lockfile`, 'name each shard job\'s lock, such as shard-1/shots.lock.yaml');
  }
  const mutex = await acquireApplyMutex(into);
  try {
    const base = await readLock(into);
    const shards = [];
    for (const file of files) shards.push({ file, lock: await readLock(file) });
    const result = mergeLocks(base, shards);
    if (!result.ok) {
      const listed = result.conflicts.slice(0, 10).map((conflict) => `${conflict.id} (${conflict.files.join(', ')})`);
      const more = result.conflicts.length > 10 ? ` and ${result.conflicts.length - 10} more` : '';
      throw new VideogenError(
        'VIDEOGEN_LOCK_CONFLICT',
        `${result.conflicts.length} ${result.conflicts.length === 1 ? 'entry was' : 'entries were'} changed differently by two shard locks: ${listed.join('; ')}${more}; ${into} was not changed`,
        { exitCode: ExitCode.invalid, hint: `each shard changes only its own shots: were these locks made from the same ${into}, with the same --shard count?` },
      );
    }
    const written = await writeLock(into, result.lock);
    const changed = `${result.changed} ${result.changed === 1 ? 'entry' : 'entries'} changed`;
    io.stdout.write(`Merged ${files.length} shard ${files.length === 1 ? 'lock' : 'locks'} into ${into}: ${changed}${written ? '' : ' (already up to date)'}.\n`);
    return ExitCode.ok;
  } finally {
    await mutex.release();
  }
}
