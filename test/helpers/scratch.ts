/** A scratch folder and a teardown list, wired into vitest's hooks. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export type Cleanup = () => Promise<void> | void;

export interface Scratch {
  /** The folder; read it inside tests and hooks, not at module level (it is made in a hook). */
  readonly dir: string;
  /** Runs after the current test, the last deferred first. */
  defer(...cleanups: Cleanup[]): void;
}

/**
 * Call at the top of a test file or a describe block. The folder is made fresh for every
 * test (`test`), or once for the whole file or block (`file`); deferred cleanups always run
 * after each test, before the folder goes.
 */
export function useScratch(prefix: string, lifetime: 'test' | 'file' = 'test'): Scratch {
  let dir = '';
  const cleanups: Cleanup[] = [];
  const make = async (): Promise<void> => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  };
  const remove = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
  };
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  // One hook per moment, so the order does not hang on vitest's `sequence.hooks`.
  if (lifetime === 'test') {
    beforeEach(make);
    afterEach(async () => {
      await runCleanups();
      await remove();
    });
  } else {
    beforeAll(make);
    afterEach(runCleanups);
    afterAll(remove);
  }
  return {
    get dir() {
      return dir;
    },
    defer(...more) {
      cleanups.push(...more);
    },
  };
}
