/** Temporary project folders for end-to-end tests. */
import { mkdtemp, mkdir, rm, writeFile, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { readLock } from '../../src/lock/read.js';
import type { Lock } from '../../src/lock/types.js';

export interface Workspace {
  dir: string;
  path(...parts: string[]): string;
  write(relativePath: string, content: string | Uint8Array): Promise<string>;
  read(relativePath: string): Promise<string>;
  exists(relativePath: string): Promise<boolean>;
  sha256(relativePath: string): Promise<string>;
  /** Every file below the workspace, relative paths. */
  files(): Promise<string[]>;
  /** shots.lock.yaml (or `name`) as every command reads it: the lock with its journal replayed. */
  lock(name?: string): Promise<Lock>;
  remove(): Promise<void>;
}

export async function createWorkspace(prefix = 'videogen-test-'): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const path = (...parts: string[]) => join(dir, ...parts);
  return {
    dir,
    path,
    async write(relativePath, content) {
      const file = path(relativePath);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    read: (relativePath) => readFile(path(relativePath), 'utf8'),
    async exists(relativePath) {
      return stat(path(relativePath)).then(
        () => true,
        () => false,
      );
    },
    async sha256(relativePath) {
      return createHash('sha256').update(await readFile(path(relativePath))).digest('hex');
    },
    async files() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? '', e.name).slice(dir.length + 1));
    },
    lock: (name = 'shots.lock.yaml') => readLock(path(name)),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
