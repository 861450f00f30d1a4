/**
 * `.videogen/` beside the manifest holds what this machine can rebuild or fetch again (the
 * output hash cache, the local output cache). It carries its own `.gitignore`, as
 * `.pytest_cache/` does, so none of it ever reaches git whatever the project ignores.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function videogenDir(manifestDir: string): string {
  return join(manifestDir, '.videogen');
}

/** Creates `.videogen/` (and `sub` below it) with its `.gitignore`; returns the directory asked for. */
export async function ensureVideogenDir(manifestDir: string, ...sub: string[]): Promise<string> {
  const root = videogenDir(manifestDir);
  const dir = join(root, ...sub);
  await mkdir(dir, { recursive: true });
  // 'wx': never rewrite a .gitignore someone edited.
  await writeFile(join(root, '.gitignore'), '# videogen cache: safe to delete\n*\n', { flag: 'wx' }).catch(() => {});
  return dir;
}
