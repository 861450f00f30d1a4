import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalFileFor } from './journal.js';
import { LockWriter } from './lock-writer.js';
import { lockDigest, readCachedLock } from './parsed-cache.js';
import { parseLockText, readLock } from './read.js';
import { serializeLock } from './serialize.js';
import { emptyLock, type LockEntry } from './types.js';
import { writeLock } from './write.js';
import { completedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';

const submitted = (id: string): LockEntry => submittedEntryFor(makeShot(id), `job-${id}`);

describe('LockWriter', () => {
  let dir: string;
  let file: string;
  let journal: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-writer-'));
    file = join(dir, 'shots.lock.yaml');
    journal = journalFileFor(file);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has each update on disk, in the journal, by the time its promise resolves', async () => {
    const writer = new LockWriter(file, emptyLock());
    const ids = Array.from({ length: 60 }, (_, index) => `shot-${index}`);
    await Promise.all(
      ids.map(async (id) => {
        await writer.update(id, () => submitted(id));
        expect((await readLock(file)).shots[id]?.job_id).toBe(`job-${id}`);
      }),
    );
    expect(Object.keys((await readLock(file)).shots).sort()).toEqual([...ids].sort());
    // Appends, not lock rewrites: the lock itself is written by compaction.
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await writer.remove('shot-3');
    await writer.update('shot-7', (entry) => ({ ...entry!, state: 'failed', error: { code: 'X', message: 'y' } }));
    expect(await readLock(file)).toEqual(writer.snapshot);
    await writer.close();
    expect(await readFile(file, 'utf8')).toBe(serializeLock(writer.snapshot));
    await expect(stat(journal)).rejects.toMatchObject({ code: 'ENOENT' });
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

  it('appends every update ready in one turn of the event loop at once', async () => {
    const writer = new LockWriter(file, emptyLock());
    const first = writer.update('first', () => submitted('first'));
    const rest = Array.from({ length: 100 }, (_, index) => writer.update(`s${index}`, () => submitted(`s${index}`)));
    await Promise.all([first, ...rest]);
    expect(writer.writeCount).toBe(1);
    expect(Object.keys((await readLock(file)).shots)).toHaveLength(101);

    // Sequential awaited updates each get their own append.
    for (let index = 0; index < 5; index += 1) await writer.update(`seq${index}`, () => submitted(`seq${index}`));
    expect(writer.writeCount).toBe(6);
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
    await writer.close();
    expect((await readLock(file)).shots).toEqual({ b: submitted('b') });
  });

  it('writes nothing when nothing changed, and records removals', async () => {
    const initial = { version: 1 as const, shots: { a: submitted('a'), b: submitted('b') } };
    await writeLock(file, initial);
    const writer = new LockWriter(file, initial);
    await writer.flush();
    await expect(stat(journal)).rejects.toMatchObject({ code: 'ENOENT' });
    void writer.remove('a');
    await writer.flush();
    // The removal is a record of its own: replayed over the lock, `a` is gone.
    expect(await readFile(journal, 'utf8')).toContain('{"id":"a","entry":null}');
    expect(Object.keys((await readLock(file)).shots)).toEqual(['b']);
  });

  it('does not rewrite a lock that already holds the same content', async () => {
    const initial = { version: 1 as const, shots: { a: submitted('a') } };
    await writeLock(file, initial);
    const before = await stat(file);
    const writer = new LockWriter(file, initial);
    await writer.update('a', (entry) => entry);
    await writer.close();
    expect(writer.writeCount).toBe(1); // the append; the lock was left alone
    expect((await stat(file)).ino).toBe(before.ino);
    await expect(stat(journal)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves a CRLF checkout of the same lock alone too', async () => {
    const initial = { version: 1 as const, shots: { a: submitted('a'), b: submitted('b') } };
    await writeFile(file, serializeLock(initial).replace(/\n/g, '\r\n'));
    const before = await stat(file);
    const writer = new LockWriter(file, initial);
    await writer.update('b', (entry) => entry);
    await writer.close();
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

  it('rejects pending updates when an append fails, and the next update appends them', async () => {
    const nested = join(dir, 'gone', 'shots.lock.yaml');
    const writer = new LockWriter(nested, emptyLock());
    await expect(writer.update('a', () => submitted('a'))).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(join(dir, 'gone'));
    await writer.update('b', () => submitted('b'));
    expect(Object.keys((await readLock(nested)).shots).sort()).toEqual(['a', 'b']);
  });

  it('compacts once the journal outgrows the lock, so bytes written grow with the transitions', async () => {
    const writer = new LockWriter(file, emptyLock(), { compactAfterBytes: 4096 });
    let recordBytes = 0;
    for (let round = 0; round < 40; round += 1) {
      await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const id = `shot-${index}`;
          const entry = { ...submitted(id), spec: { ...submitted(id).spec, prompt: `take ${round}` } };
          recordBytes += JSON.stringify({ id, entry }).length + 1;
          return writer.update(id, () => entry);
        }),
      );
    }
    await writer.flush();
    // Compacted along the way (appends go on while a compaction writes): the journal holds
    // only the records since the last one, the lock the rest.
    expect((await stat(file)).size).toBeGreaterThan(0);
    expect((await stat(journal)).size).toBeLessThan(recordBytes * 0.75);
    expect(await readLock(file)).toEqual(writer.snapshot);
    // Each compaction writes at most as much as the journal grew since the last one.
    expect(writer.bytesWritten).toBeLessThan(3 * recordBytes);
    await writer.close();
  });

  it('dumps settled entries as the run goes, and closes with the same text and a cache keyed by its digest', async () => {
    const writer = new LockWriter(file, emptyLock(), { compactAfterBytes: 64 * 1024 * 1024 });
    const ids = Array.from({ length: 1300 }, (_, index) => `shot-${String(index).padStart(4, '0')}`);
    for (const id of ids) await writer.update(id, () => submitted(id));
    // Settled in waves, with a turn of the event loop between them for the dumps in between.
    for (let start = 0; start < ids.length; start += 400) {
      await Promise.all(ids.slice(start, start + 400).map((id) => writer.update(id, () => completedEntryFor(makeShot(id)))));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Changed after their blocks may have been dumped: the lock must hold the change.
    await writer.update('shot-0003', (entry) => ({ ...entry!, output: undefined, state: 'failed', error: { code: 'LATE', message: 'changed after it settled' } }));
    await writer.update('shot-0404', (entry) => ({ ...entry!, completed_at: '2026-12-02T06:00:00.000Z' }));
    await writer.remove('shot-0805');
    await writer.close();

    const text = await readFile(file, 'utf8');
    expect(text).toBe(serializeLock(writer.snapshot));
    expect(text).toContain('LATE');
    expect(text).not.toContain('shot-0805:');
    // The cache close() wrote is found by the digest of the bytes on disk.
    expect(await readCachedLock(file, lockDigest(await readFile(file)))).toEqual(writer.snapshot);
  });

  it('keeps every record appended while a compaction runs', async () => {
    const writer = new LockWriter(file, emptyLock(), { compactAfterBytes: 1 });
    const ids = Array.from({ length: 300 }, (_, index) => `shot-${index}`);
    let done = 0;
    await Promise.all(
      ids.map(async (id, index) => {
        await new Promise((resolve) => setTimeout(resolve, index % 7));
        await writer.update(id, () => submitted(id));
        done += 1;
        if (done % 50 === 0) await writer.compact();
      }),
    );
    expect(Object.keys((await readLock(file)).shots).sort()).toEqual([...ids].sort());
    await writer.close();
    expect(Object.keys(parseLockText(await readFile(file, 'utf8'), file).shots)).toHaveLength(300);
  });

  it('cuts the torn tail of a crashed append before appending, keeping whole records', async () => {
    const first = new LockWriter(file, emptyLock());
    await first.update('a', () => submitted('a'));
    await writeFile(journal, `${await readFile(journal, 'utf8')}{"id":"b","entry":{"spec_ha`);
    const lock = await readLock(file);
    expect(Object.keys(lock.shots)).toEqual(['a']);
    const second = new LockWriter(file, lock);
    await second.update('c', () => submitted('c'));
    expect(Object.keys((await readLock(file)).shots).sort()).toEqual(['a', 'c']);
  });

  it('leaves a readable lock and journal at every instant during many updates and compactions', async () => {
    const writer = new LockWriter(file, emptyLock(), { compactAfterBytes: 2048 });
    await writer.update('seed', () => submitted('seed'));
    let done = false;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        await readLock(file); // throws if ever torn
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
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(3);
    expect(Object.keys((await readLock(file)).shots)).toHaveLength(251);
    await writer.close();
  });
});
