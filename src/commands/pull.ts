/**
 * `videogen pull`: puts every output the lock records back on disk, from the local cache or
 * the store, each verified by its sha256 (as `dvc pull` does). A fresh clone of a campaign
 * gets its videos this way without one job.
 */
import { ExitCode, describeError } from '../errors.js';
import { acquireApplyMutex } from '../lock/apply-mutex.js';
import { readLock } from '../lock/read.js';
import { loadManifest } from '../manifest/load.js';
import { OutputHashCache } from '../plan/hash-cache.js';
import { observeFile } from '../plan/observe.js';
import { formatBytes } from '../report/format.js';
import { restoreOutput } from '../storage/outputs.js';
import { openOutputSources, type OpenOutputSources } from '../storage/sources.js';
import { specIndexEntry } from '../storage/spec-index.js';
import { mapLimit } from '../util/map-limit.js';
import { lockedOutputs, outputPathInside, type LockedOutput } from './locked-outputs.js';
import type { CommandIO } from './options.js';
import { selectorsFromFlags } from './plan.js';
import { reportFailure, throwIfStoreWide, PULLS } from './transfer-report.js';

export async function runPull(manifestPath: string, options: { only?: string[] }, io: CommandIO): Promise<number> {
  const { only = [] } = selectorsFromFlags({ only: options.only ?? [] });
  const manifest = await loadManifest(manifestPath);
  // Apply writes the same files; one of the two at a time.
  const mutex = await acquireApplyMutex(manifest.lockFile);
  let sources: OpenOutputSources | undefined;
  try {
    const lock = await readLock(manifest.lockFile);
    const targets = lockedOutputs(manifest, lock, only);
    const hashes = await OutputHashCache.open(manifest.dir, manifest.file);
    const missing: Array<LockedOutput & { dest: string }> = [];
    let present = 0;
    let failed = 0;
    for (const target of targets) {
      const dest = outputPathInside(manifest, target.entry.output.path);
      if (!dest) {
        io.stderr.write(`warning: not restoring ${target.entry.output.path}: it is outside ${manifest.outputDir}\n`);
        failed += 1;
        continue;
      }
      const seen = await observeFile(dest, target.entry.output.bytes, hashes);
      if (seen.sha256 === target.entry.output.sha256) present += 1;
      else missing.push({ ...target, dest });
    }
    await hashes.save();

    const counts = { cache: 0, store: 0 };
    if (missing.length > 0) {
      const opened = await openOutputSources(manifest, io.env);
      sources = opened;
      await mapLimit(missing, PULLS, async ({ id, entry, dest }) => {
        try {
          const { from } = await restoreOutput(opened, entry.output, dest);
          counts[from] += 1;
          await opened.cache.writeSpec(specIndexEntry(id, entry)).catch(() => {});
          io.stdout.write(`restored ${entry.output.path} (${formatBytes(entry.output.bytes)}) from ${from === 'cache' ? 'the local cache' : opened.store?.url}\n`);
        } catch (error) {
          throwIfStoreWide(error);
          failed += 1;
          reportFailure(io, entry.output.path, describeError(error));
        }
      });
    }
    const restored = counts.cache + counts.store;
    io.stdout.write(
      `Pulled ${restored} output${restored === 1 ? '' : 's'} (${counts.cache} from the local cache, ${counts.store} from the store); ` +
        `${present} already present${failed > 0 ? `; ${failed} failed` : ''}.\n`,
    );
    return failed > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    sources?.close();
    await mutex.release();
  }
}
