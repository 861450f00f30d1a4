/**
 * `.videogen/` beside the manifest holds videogen's caches (output hashes, the parsed lock).
 * It carries its own `.gitignore` (as `.pytest_cache/` does), so it never reaches git, and
 * anything in it may be deleted at any time: a missing cache only costs time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

export function cacheFile(manifestDir: string, name: string): string {
  return join(manifestDir, '.videogen', name);
}

/** Writes one cache file atomically, creating `.videogen/` and its `.gitignore` first. */
export async function writeCacheFile(manifestDir: string, name: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  const dir = join(manifestDir, '.videogen');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), '# videogen cache: safe to delete\n*\n', { flag: 'wx' }).catch(() => {});
  await writeFileAtomic(join(dir, name), data);
}
