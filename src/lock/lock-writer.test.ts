import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockWriter } from './lock-writer.js';
import { parseLockText, readLock } from './read.js';
import { serializeLock } from './serialize.js';
import { emptyLock, type LockEntry } from './types.js';
import { writeLock } from './write.js';
import { completedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';

const submitted = (id: string): LockEntry => submittedEntryFor(makeShot(id), `job-${id}`);

describe('LockWriter', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-writer-'));
    file = join(dir, 'shots.lock.yaml');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has each update on disk by the time its promise resolves', async () => {
    const writer = new LockWriter(file, emptyLock());
    const ids = Array.from({ length: 60 }, (_, index) => `shot-${index}`);
    await Promise.all(
      ids.map(async (id) => {
        await writer.update(id, () => submitted(id));
        const onDisk = parseLockText(await readFile(file, 'utf8'), file);
        expect(onDisk.shots[id]?.job_id).toBe(`job-${id}`);
      }),
    );
    expect(Object.keys((await readLock(file)).shots).sort()).toEqual([...ids].sort());
    // Entry blocks cached between writes still add up to exactly what serializeLock writes.
    await writer.remove('shot-3');
    await writer.update('shot-7', (entry) => ({ ...entry!, state: 'failed', error: { code: 'X', message: 'y' } }));
    expect(await readFile(file, 'utf8')).toBe(serializeLock(writer.snapshot));
  });

  it('keeps its own copy of each entry', async () => {
    const writer = new LockWriter(file, emptyLock());
    const entry = submitted('a');
    await writer.update('a', () => entry);
    entry.job_id = 'changed-behind-its-back';
    await writer.update('c', () => ({ ...submitted('c'), remote: { video_id: undefined, asset_id: 'x' }, error: undefined }));
    expect(writer.snapshot.shots.c).toEqual({ ...submitted('c'), remote: { asset_id: 'x' } });
    expect(Object.keys(writer.snapshot.shots.c!)).not.toContain('error');
    expect(writer.snapshot.shots.a?.job_id).toBe('job-a');
    await writer.update('b', () => submitted('b'));
    expect((await readLock(file)).shots.a?.job_id).toBe('job-a');
  });

  it('coalesces updates made while a write is in flight into one next write', async () => {
    const writer = new LockWriter(file, emptyLock());
    const first = writer.update('first', () => submitted('first'));
    const rest = Array.from({ length: 100 }, (_, index) => writer.update(`s${index}`, () => submitted(`s${index}`)));
    await Promise.all([first, ...rest]);
    expect(writer.writeCount).toBeLessThanOrEqual(2);
    expect(Object.keys((await readLock(file)).shots)).toHaveLength(101);

    // Sequential awaited updates each get their own write.
    for (let index = 0; index < 5; index += 1) await writer.update(`seq${index}`, () => submitted(`seq${index}`));
    expect(writer.writeCount).toBeLessThanOrEqual(7);
  });

  it('applies changes in call order, each seeing the previous one before any write', async () => {
    const shot = makeShot('coastal-city');
    const writer = new LockWriter(file, emptyLock());
    const seen: (string | undefined)[] = [];
    const one = writer.update(shot.id, (entry) => {
      seen.push(entry?.state);
      return submittedEntryFor(shot, 'job-1');
    });
    const two = writer.update(shot.id, (entry) => {
      seen.push(entry?.state);
      return { ...completedEntryFor(shot), job_id: entry?.job_id };
    });
    expect(writer.snapshot.shots[shot.id]?.state).toBe('completed'); // in memory at once
    await Promise.all([one, two]);
    expect(seen).toEqual([undefined, 'submitted']);
    expect((await readLock(file)).shots[shot.id]).toMatchObject({ state: 'completed', job_id: 'job-1' });
  });

  it('hands change functions a copy, so mutating it cannot corrupt the lock', async () => {
    const writer = new LockWriter(file, { version: 1, shots: { a: submitted('a') } });
    await writer.update('b', (entry) => {
      expect(entry).toBeUndefined();
      return submitted('b');
    });
    await writer.update('a', (entry) => {
      entry!.job_id = 'mutated';
      return undefined;
    });
    expect((await readLock(file)).shots).toEqual({ b: submitted('b') });
  });

  it('removes entries and flushes', async () => {
    const writer = new LockWriter(file, { version: 1, shots: { a: submitted('a'), b: submitted('b') } });
    await writer.flush(); // nothing changed: nothing written
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    void writer.remove('a');
    await writer.flush();
    expect(Object.keys((await readLock(file)).shots)).toEqual(['b']);
  });

  it('does not rewrite a lock that already holds the same content', async () => {
    const initial = { version: 1 as const, shots: { a: submitted('a') } };
    await writeLock(file, initial);
    const before = await stat(file);
    const writer = new LockWriter(file, initial);
    await writer.update('a', (entry) => entry);
    expect(writer.writeCount).toBe(0);
    expect((await stat(file)).ino).toBe(before.ino);
  });

  it('rejects an update whose change throws or gives an entry the reader would refuse, and keeps the rest', async () => {
    const writer = new LockWriter(file, emptyLock());
    await expect(
      writer.update('x', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const bad = { ...submitted('nan'), spec: { ...submitted('nan').spec, options: { seed: Number.NaN } } };
    await expect(writer.update('nan', () => bad)).rejects.toThrow(/invalid lock entry for "nan" \(job job-nan\): spec\.options\.seed/);
    // Anything the reader would refuse is refused before it reaches the disk.
    const { output: _output, ...noOutput } = completedEntryFor(makeShot('c'));
    await expect(writer.update('c', () => noOutput)).rejects.toThrow(/state is `completed` but no `output`/);
    await expect(writer.update('Bad..Id', () => submitted('x'))).rejects.toThrow(/invalid shot id/);
    await writer.update('ok', () => submitted('ok'));
    expect(Object.keys((await readLock(file)).shots)).toEqual(['ok']);
  });

  it('rejects pending updates when a write fails, and the next update writes them', async () => {
    const nested = join(dir, 'gone', 'shots.lock.yaml');
    const writer = new LockWriter(nested, emptyLock());
    await expect(writer.update('a', () => submitted('a'))).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(join(dir, 'gone'));
    await writer.update('b', () => submitted('b'));
    expect(Object.keys((await readLock(nested)).shots).sort()).toEqual(['a', 'b']);
  });

  it('leaves a parseable lock on disk at every instant during many updates', async () => {
    const writer = new LockWriter(file, emptyLock());
    await writer.update('seed', () => submitted('seed'));
    let done = false;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        parseLockText(await readFile(file, 'utf8'), file); // throws if ever torn
        reads += 1;
      }
    })();
    for (let round = 0; round < 25; round += 1) {
      await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const id = `shot-${round}-${index}`;
          return writer.update(id, () => ({ ...submitted(id), spec: { ...submitted(id).spec, prompt: 'x'.repeat(round * 50) } }));
        }),
      );
      // Writes are synchronous: leave the reader room to run between them.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(Object.keys((await readLock(file)).shots)).toHaveLength(251);
  });
});
