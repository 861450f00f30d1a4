import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputHashCache } from './hash-cache.js';
import { observeOutputs } from './observe.js';
import { completedEntryFor, makeShot, sha256Hex } from '../../test/lock-helpers.js';
import type { Lock } from '../lock/types.js';

const LONG_AGO = new Date('2026-01-01T00:00:00Z');
/** utimes cannot move ctime back, so "later" is passed in instead. */
const LATER_NS = () => BigInt(Date.now() + 10_000) * 1_000_000n;

describe('OutputHashCache', () => {
  it('reuses a hash while the file is untouched and hashes again once it changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videogen-cache-'));
    try {
      const file = join(dir, 'a.mp4');
      await writeFile(file, 'video one');
      await utimes(file, LONG_AGO, LONG_AGO);
      const first = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      // A wrong digest planted for this identity proves the lookup is by identity alone.
      first.remember(file, await stat(file, { bigint: true }), 'planted', LATER_NS());
      await first.save();
      expect(await readFile(join(dir, '.videogen', '.gitignore'), 'utf8')).toContain('*');

      const second = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      expect(second.lookup(file, await stat(file, { bigint: true }))).toBe('planted');

      await writeFile(file, 'video two');
      await utimes(file, LONG_AGO, LONG_AGO);
      expect(second.lookup(file, await stat(file, { bigint: true }))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a deferred cache before it remembers anything, so saving keeps what was there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videogen-cache-'));
    try {
      const [a, b] = [join(dir, 'a.mp4'), join(dir, 'b.mp4')];
      for (const file of [a, b]) {
        await writeFile(file, file);
        await utimes(file, LONG_AGO, LONG_AGO);
      }
      const first = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      first.remember(a, await stat(a, { bigint: true }), 'digest of a', LATER_NS());
      await first.save();
      const deferred = OutputHashCache.deferred(dir, join(dir, 'shots.yaml'));
      deferred.remember(b, await stat(b, { bigint: true }), 'digest of b', LATER_NS());
      await deferred.save();
      const reopened = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      expect(reopened.lookup(a, await stat(a, { bigint: true }))).toBe('digest of a');
      expect(reopened.lookup(b, await stat(b, { bigint: true }))).toBe('digest of b');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not remember files modified within the racy window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videogen-cache-'));
    try {
      const file = join(dir, 'a.mp4');
      await writeFile(file, 'fresh');
      const cache = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      const stats = await stat(file, { bigint: true });
      cache.remember(file, stats, 'x');
      expect(cache.lookup(file, stats)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets observeOutputs answer from the cache once files are remembered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videogen-cache-'));
    try {
      const shots = ['a', 'b', 'c'].map((id) => makeShot(id));
      const lock: Lock = { version: 1, shots: {} };
      for (const shot of shots) {
        const content = `video of ${shot.id}`;
        await writeFile(join(dir, `${shot.id}.mp4`), content);
        await utimes(join(dir, `${shot.id}.mp4`), LONG_AGO, LONG_AGO);
        lock.shots[shot.id] = { ...completedEntryFor(shot), output: { path: `${shot.id}.mp4`, sha256: sha256Hex(content), bytes: content.length } };
      }
      const withOutputs = shots.map((shot) => ({ ...shot, output: `${shot.id}.mp4` }));
      const plain = await observeOutputs(dir, withOutputs, lock);
      expect([...plain.values()].every((seen) => seen.sha256 !== undefined)).toBe(true);
      // Files this fresh are racily clean and not remembered: the cache changes nothing yet.
      const cold = await observeOutputs(dir, withOutputs, lock, await OutputHashCache.open(dir, join(dir, 'shots.yaml')));
      expect(cold).toEqual(plain);
      // Remembered later (as a plan run seconds afterwards would), the cached digest is what
      // observeOutputs answers: a planted wrong one proves the file was not read again.
      const cache = await OutputHashCache.open(dir, join(dir, 'shots.yaml'));
      for (const shot of shots) {
        const file = join(dir, `${shot.id}.mp4`);
        cache.remember(file, await stat(file, { bigint: true }), shot.id === 'b' ? 'planted' : (plain.get(shot.id)?.sha256 ?? ''), LATER_NS());
      }
      await cache.save();
      const warm = await observeOutputs(dir, withOutputs, lock, await OutputHashCache.open(dir, join(dir, 'shots.yaml')));
      expect(warm.get('a')).toEqual(plain.get('a'));
      expect(warm.get('b')?.sha256).toBe('planted');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
