/** `videogen prune`: forget shots that left the manifest, and delete their outputs. */
import { rm } from 'node:fs/promises';
import { ExitCode } from '../errors.js';
import { acquireApplyMutex } from '../lock/apply-mutex.js';
import { readLock } from '../lock/read.js';
import { LockWriter } from '../lock/lock-writer.js';
import { loadManifest } from '../manifest/load.js';
import type { Manifest } from '../manifest/types.js';
import { confirmOrRefuse } from './confirm.js';
import type { CommandIO } from './options.js';
import { outputPathInside } from './locked-outputs.js';

export async function runPrune(manifestPath: string, options: { yes?: boolean; keepFiles?: boolean }, io: CommandIO): Promise<number> {
  const manifest = await loadManifest(manifestPath);
  const mutex = await acquireApplyMutex(manifest.lockFile);
  try {
    const lock = await readLock(manifest.lockFile);
    const inManifest = new Set(manifest.shots.map((shot) => shot.id));
    const orphans = Object.keys(lock.shots).filter((id) => !inManifest.has(id));
    if (orphans.length === 0) {
      io.stdout.write('Nothing to prune: every shot in the lockfile is in the manifest.\n');
      return ExitCode.ok;
    }
    for (const id of orphans) {
      const entry = lock.shots[id];
      const file = entry?.output && !options.keepFiles ? ` and ${entry.output.path}` : '';
      const running =
        entry?.state !== 'submitted'
          ? ''
          : entry.job_id
            ? ` (job ${entry.job_id} may still be running remotely)`
            : ' (its last submission was never answered; a job may exist remotely)';
      io.stdout.write(`  - ${id}: lock entry${file}${running}\n`);
    }
    const question = `Prune ${orphans.length} orphaned shot${orphans.length === 1 ? '' : 's'}?`;
    if (!(await confirmOrRefuse(io, question, options.yes))) {
      io.stderr.write('Prune cancelled.\n');
      return ExitCode.ok;
    }
    // The lock first: a crash in between leaves stray files, never entries whose files are gone.
    // Removals go through the journal, so a crash cannot replay an older journal over them.
    const writer = new LockWriter(manifest.lockFile, lock);
    await Promise.all(orphans.map((id) => writer.remove(id)));
    await writer.close();
    if (!options.keepFiles) {
      for (const id of orphans) {
        const output = lock.shots[id]?.output;
        if (output) await deleteOutput(manifest, output.path, io);
      }
    }
    io.stdout.write(`Pruned ${orphans.length} shot${orphans.length === 1 ? '' : 's'}.\n`);
    return ExitCode.ok;
  } finally {
    await mutex.release();
  }
}

async function deleteOutput(manifest: Manifest, path: string, io: CommandIO): Promise<void> {
  const target = outputPathInside(manifest, path);
  if (!target) {
    io.stderr.write(`warning: not deleting ${path}: it is outside ${manifest.outputDir}\n`);
    return;
  }
  await rm(target, { force: true });
}
