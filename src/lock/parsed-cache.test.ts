import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { lockDigest, readCachedLock, saveCachedLock } from './parsed-cache.js';
import { readLock, readLockAndCache } from './read.js';
import { serializeLock } from './serialize.js';
import type { Lock } from './types.js';
import { makeShot, submittedEntryFor } from '../../test/lock-helpers.js';
import { useScratch } from '../../test/helpers/scratch.js';

const lockOf = (...ids: string[]): Lock => ({ version: 1, shots: Object.fromEntries(ids.map((id) => [id, submittedEntryFor(makeShot(id))])) });

describe('parsed lock cache', () => {
  const scratch = useScratch('videogen-parsed-');
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = scratch.dir;
    file = join(dir, 'shots.lock.yaml');
  });

  it('is written once a command that parsed the lock succeeds, and used while the bytes are the same', async () => {
    await writeFile(file, serializeLock(lockOf('a')));
    const reading = await readLockAndCache(file);
    expect(reading.lock).toEqual(lockOf('a'));
    const digest = lockDigest(await readFile(file));
    expect(await readCachedLock(file, digest)).toBeUndefined(); // nothing written by reading alone
    await reading.saveCache();
    expect(await readCachedLock(file, digest)).toEqual(lockOf('a'));
    // A planted entry proves the second read came from the cache, keyed by the bytes' sha256.
    await saveCachedLock(file, digest, lockOf('planted'));
    expect(Object.keys((await readLock(file)).shots)).toEqual(['planted']);
    await writeFile(file, serializeLock(lockOf('b')));
    expect(await readLock(file)).toEqual(lockOf('b'));
  });

  it('ignores a cache that is corrupt or belongs to other bytes', async () => {
    await writeFile(file, serializeLock(lockOf('a')));
    const digest = lockDigest(await readFile(file));
    expect(await readCachedLock(file, digest)).toBeUndefined();
    await saveCachedLock(file, 'f'.repeat(64), lockOf('other'));
    expect(await readCachedLock(file, digest)).toBeUndefined();
    await writeFile(join(dir, '.videogen', 'shots.lock.yaml.parsed.json'), `{"key":"x"}\n{not json`);
    expect(await readLock(file)).toEqual(lockOf('a'));
  });
});
