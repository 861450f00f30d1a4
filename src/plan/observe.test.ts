import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observeOutputs } from './observe.js';
import type { Lock } from '../lock/types.js';
import { completedEntryFor, failedEntryFor, makeShot, sha256Hex } from '../../test/lock-helpers.js';

describe('observeOutputs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-observe-'));
    await mkdir(join(dir, 'out'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes completed outputs whose size matches, and only those', async () => {
    const intact = makeShot('intact');
    const resized = makeShot('resized');
    const missing = makeShot('missing');
    const dirInstead = makeShot('dir-instead');
    const failed = makeShot('failed');
    const respecced = makeShot('respecced');
    const unlocked = makeShot('unlocked');
    await writeFile(join(dir, 'out/intact.mp4'), 'video of intact');
    await writeFile(join(dir, 'out/resized.mp4'), 'much longer than it was');
    await writeFile(join(dir, 'out/failed.mp4'), 'x');
    await mkdir(join(dir, 'out/dir-instead.mp4'));
    const lock: Lock = {
      version: 1,
      shots: {
        intact: completedEntryFor(intact),
        resized: completedEntryFor(resized),
        missing: completedEntryFor(missing),
        'dir-instead': completedEntryFor(dirInstead),
        failed: failedEntryFor(failed),
        respecced: { ...completedEntryFor(respecced), spec_hash: 'sha256:older' },
      },
    };
    const observed = await observeOutputs(dir, [intact, resized, missing, dirInstead, failed, respecced, unlocked], lock);
    expect([...observed]).toEqual([
      ['intact', { exists: true, bytes: 15, sha256: sha256Hex('video of intact') }],
      ['resized', { exists: true, bytes: 23 }],
      ['missing', { exists: false }],
      ['dir-instead', { exists: false }],
    ]);
  });

  it('looks at the path the manifest names now', async () => {
    const shot = makeShot('moved', { output: 'renders/moved.mp4' });
    await mkdir(join(dir, 'renders'));
    await writeFile(join(dir, 'renders/moved.mp4'), 'video of moved');
    const lock: Lock = { version: 1, shots: { moved: completedEntryFor(shot, 'video of moved', 'out/moved.mp4') } };
    expect((await observeOutputs(dir, [shot], lock)).get('moved')).toEqual({ exists: true, bytes: 14, sha256: sha256Hex('video of moved') });
  });

  it('gets through hundreds of files with bounded concurrency', async () => {
    const shots = Array.from({ length: 300 }, (_, index) => makeShot(`s${index}`));
    const lock: Lock = { version: 1, shots: {} };
    await Promise.all(
      shots.map(async (shot) => {
        lock.shots[shot.id] = completedEntryFor(shot);
        await writeFile(join(dir, shot.output), `video of ${shot.id}`);
      }),
    );
    const observed = await observeOutputs(dir, shots, lock);
    expect(observed.size).toBe(300);
    expect([...observed.values()].every((item) => item.sha256 !== undefined)).toBe(true);
    expect([...observed.keys()]).toEqual(shots.map((shot) => shot.id));
  });
});
