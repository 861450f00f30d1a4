/**
 * The output prefetch through its real, compiled worker (dist/: `npm test` builds first):
 * what it answers is what observeOutputs would have found itself, with the hash cache's
 * digests read in the thread.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputHashCache } from './hash-cache.js';
import { observeOutputs } from './observe.js';
import { OutputPrefetch } from './output-prefetch.js';
import { completedEntryFor, makeShot, sha256Hex } from '../../test/lock-helpers.js';
import type { Lock } from '../lock/types.js';

const WORKER = fileURLToPath(new URL('../../dist/plan/output-prefetch-worker.js', import.meta.url));
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
const LATER_NS = () => BigInt(Date.now() + 10_000) * 1_000_000n;

async function project(dir: string) {
  const manifestFile = join(dir, 'shots.yaml');
  await writeFile(manifestFile, 'version: 1\n');
  const shots = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ ...makeShot(id), output: `out/${id}.mp4` }));
  const lock: Lock = { version: 1, shots: {} };
  await mkdir(join(dir, 'out'));
  for (const shot of shots) {
    const content = `video of ${shot.id}`;
    lock.shots[shot.id] = { ...completedEntryFor(shot), output: { path: shot.output, sha256: sha256Hex(content), bytes: content.length } };
    const file = join(dir, shot.output);
    // c is missing, e is a directory; b has changed size since the lock.
    if (shot.id === 'c') continue;
    if (shot.id === 'e') await mkdir(file);
    else await writeFile(file, shot.id === 'b' ? `${content}, longer` : content);
    await utimes(file, LONG_AGO, LONG_AGO);
  }
  const lockFile = join(dir, 'shots.lock.yaml');
  await writeFile(lockFile, '# the prefetch only asks whether there is one\n');
  // The cache knows a (a planted digest proves the answer came from it) but not d: d is hashed.
  const cache = await OutputHashCache.open(dir, manifestFile);
  cache.remember(join(dir, 'out/a.mp4'), await stat(join(dir, 'out/a.mp4'), { bigint: true }), 'planted', LATER_NS());
  await cache.save();
  return { manifestFile, lockFile, shots, lock };
}

describe('OutputPrefetch', () => {
  it('answers from its thread what observeOutputs would find, digests from the hash cache included', async () => {
    expect(existsSync(WORKER), 'run `npm run build` first').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'videogen-prefetch-'));
    try {
      const { manifestFile, lockFile, shots, lock } = await project(dir);
      const prefetch = OutputPrefetch.start(manifestFile, { minCacheBytes: 0, workerFile: WORKER })!;
      expect(prefetch).toBeDefined();
      prefetch.look({ lockFile, shots });
      const prefetched = await prefetch.result;
      expect(prefetched?.get('out/a.mp4')).toEqual({ bytes: 'video of a'.length, sha256: 'planted' });
      expect(prefetched?.get('out/c.mp4')).toBe('missing');
      expect(prefetched?.get('out/e.mp4')).toBe('missing');

      const withPrefetch = await observeOutputs(dir, shots, lock, OutputHashCache.deferred(dir, manifestFile), prefetched);
      const direct = await observeOutputs(dir, shots, lock, await OutputHashCache.open(dir, manifestFile));
      expect(withPrefetch).toEqual(direct);
      expect(withPrefetch.get('a')?.sha256).toBe('planted');
      expect(withPrefetch.get('b')).toEqual({ exists: true, bytes: 'video of b, longer'.length });
      expect(withPrefetch.get('c')).toEqual({ exists: false });
      expect(withPrefetch.get('d')).toEqual({ exists: true, bytes: 'video of d'.length, sha256: sha256Hex('video of d') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts no thread for a small cache, and stops without a lock to compare with', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videogen-prefetch-'));
    try {
      const { manifestFile, shots } = await project(dir);
      expect(OutputPrefetch.start(manifestFile, { workerFile: WORKER })).toBeUndefined();
      const prefetch = OutputPrefetch.start(manifestFile, { minCacheBytes: 0, workerFile: WORKER })!;
      prefetch.look({ lockFile: join(dir, 'no.lock.yaml'), shots });
      expect(await prefetch.result).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
