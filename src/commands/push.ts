/**
 * `videogen push`: uploads every output the lock records that the store lacks, with its spec
 * index entry, so teammates and CI can pull them and reuse them. The bytes come from the
 * output on disk when it still matches the lock, else from the local cache; either way they
 * are checked against the lock's sha256 before they leave the machine.
 */
import { ExitCode, VideogenError, describeError } from '../errors.js';
import { readLock } from '../lock/read.js';
import { loadManifest } from '../manifest/load.js';
import { OutputHashCache } from '../plan/hash-cache.js';
import { observeFile } from '../plan/observe.js';
import { formatBytes } from '../report/format.js';
import { StorageCode, StorageError } from '../storage/errors.js';
import { storeInventory } from '../storage/inventory.js';
import { openOutputSources, type OpenOutputSources } from '../storage/sources.js';
import { specIndexEntry } from '../storage/spec-index.js';
import { mapLimit } from '../util/map-limit.js';
import { lockedOutputs, outputPathInside, type LockedOutput } from './locked-outputs.js';
import type { CommandIO } from './options.js';
import { selectorsFromFlags } from './plan.js';
import { reportFailure, throwIfStoreWide } from './transfer-report.js';
import { UPLOADS } from '../storage/object-store.js';

export async function runPush(manifestPath: string, options: { only?: string[] }, io: CommandIO): Promise<number> {
  const { only = [] } = selectorsFromFlags({ only: options.only ?? [] });
  const manifest = await loadManifest(manifestPath);
  if (!manifest.storage) {
    throw new VideogenError(StorageCode.notConfigured, `${manifestPath} has no \`storage:\`, so there is nowhere to push to`, {
      exitCode: ExitCode.invalid,
      hint: 'add `storage: s3://bucket/prefix` to the manifest (see the README, "Storage")',
    });
  }
  // No apply mutex: push only reads, and outputs are replaced by rename, never rewritten in place.
  const lock = await readLock(manifest.lockFile);
  const targets = lockedOutputs(manifest, lock, only);
  const hashes = await OutputHashCache.open(manifest.dir, manifest.file);
  let sources: OpenOutputSources | undefined;
  try {
    const opened = await openOutputSources(manifest, io.env);
    sources = opened;
    const store = opened.store!;
    const has = await storeInventory(
      store,
      targets.map((target) => target.entry.output),
      targets.map((target) => target.entry.spec_hash),
    );
    const counts = { uploaded: 0, present: 0, failed: 0 };
    // As many as the store uploads at once: hashing more outputs ahead only costs memory.
    await mapLimit(targets, UPLOADS, async (target) => {
      const { output, spec_hash: specHash } = target.entry;
      try {
        const uploading = !has.hasObject(output);
        if (uploading) {
          const file = await sourceFile(opened, manifest.outputDir, hashes, target, (path) => outputPathInside(manifest, path));
          await store.upload(file, output);
        }
        // The index entry after its video, and without clobbering one a teammate wrote.
        if (!has.hasSpec(specHash)) await store.putSpec(specIndexEntry(target.id, target.entry));
        counts[uploading ? 'uploaded' : 'present'] += 1;
        if (uploading) io.stdout.write(`uploaded ${output.path} (${formatBytes(output.bytes)}) to ${store.objectUrl(output.sha256)}\n`);
      } catch (error) {
        throwIfStoreWide(error);
        counts.failed += 1;
        reportFailure(io, target.entry.output.path, describeError(error));
      }
    });
    await hashes.save();
    io.stdout.write(
      `Pushed ${counts.uploaded} output${counts.uploaded === 1 ? '' : 's'} to ${manifest.storage.url}; ${counts.present} already there` +
        `${counts.failed > 0 ? `; ${counts.failed} failed` : ''}.\n`,
    );
    return counts.failed > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    sources?.close();
  }
}

/** The output on disk if it still matches the lock, else the cached copy (verified), else an error. */
async function sourceFile(
  sources: OpenOutputSources,
  outputDir: string,
  hashes: OutputHashCache,
  target: LockedOutput,
  inside: (path: string) => string | undefined,
): Promise<string> {
  const output = target.entry.output;
  const onDisk = inside(output.path);
  if (onDisk && (await observeFile(onDisk, output.bytes, hashes)).sha256 === output.sha256) return onDisk;
  if (await sources.cache.hasObject(output)) {
    await sources.cache.verify(output);
    return sources.cache.objectPath(output.sha256);
  }
  const where = onDisk ? 'on disk (missing or changed since)' : `inside ${outputDir}`;
  throw new StorageError(
    StorageCode.missing,
    `the recorded output (sha256 ${output.sha256}) is not ${where} nor in the local cache`,
    'push from the machine that generated it, or regenerate it with `videogen apply --replace <id>`',
  );
}
