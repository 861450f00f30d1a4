/** The end-to-end check that the outputs on disk are the ones the lock records. */
import { stat } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Lock } from '../../src/lock/types.js';
import type { Workspace } from './workspace.js';

export interface OutputsMatchLockOptions {
  /**
   * `'all'` (the default): every entry must be completed and its output verified.
   * `'completed'`: entries in any other state are skipped (a run killed or refused part way).
   */
  entries?: 'all' | 'completed';
}

/**
 * Every output the lock names is on disk below `ws`, with the sha256 and byte size the lock
 * records. Returns how many outputs were verified. Failure messages name the shot and its path.
 */
export async function expectOutputsMatchLock(ws: Workspace, lock: Lock, options: OutputsMatchLockOptions = {}): Promise<number> {
  const onlyCompleted = options.entries === 'completed';
  let verified = 0;
  for (const [id, entry] of Object.entries(lock.shots)) {
    if (onlyCompleted && entry.state !== 'completed') continue;
    expect(entry.state, `${id}: state`).toBe('completed');
    const output = entry.output;
    expect(output, `${id}: the lock records no output`).toBeDefined();
    const { path, sha256, bytes } = output!;
    expect(await ws.exists(path), `${id}: ${path} is not on disk`).toBe(true);
    expect(await ws.sha256(path), `${id}: sha256 of ${path}`).toBe(sha256);
    expect((await stat(ws.path(path))).size, `${id}: byte size of ${path}`).toBe(bytes);
    verified++;
  }
  return verified;
}
