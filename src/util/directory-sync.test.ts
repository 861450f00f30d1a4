import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { syncDirectoryShared } from './directory-sync.js';

describe('syncDirectoryShared', () => {
  it('gives every caller a sync that started after it asked, and shares it with the others', async () => {
    const started: number[] = [];
    let clock = 0;
    const slowSync = async () => {
      started.push(clock);
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const ask = (at: number) => {
      clock = at;
      return syncDirectoryShared('/some/dir', slowSync).then(() => at);
    };
    const first = ask(1);
    // These arrive while the first sync runs: it may predate their renames, so they share the next.
    const later = [ask(2), ask(3), ask(4)];
    await Promise.all([first, ...later]);
    expect(started).toEqual([1, 4]);
    // Nothing running any more: the next caller starts a sync of its own at once.
    await ask(5);
    expect(started).toEqual([1, 4, 5]);
  });

  it('syncs a real directory, and shrugs at one that cannot be opened', async () => {
    await expect(syncDirectoryShared(tmpdir())).resolves.toBeUndefined();
    await expect(syncDirectoryShared('/no/such/directory')).resolves.toBeUndefined();
  });
});
