import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLock } from './read.js';
import { serializeLock } from './serialize.js';
import type { Lock } from './types.js';
import { writeLock } from './write.js';
import { completedEntryFor, makeShot } from '../../test/lock-helpers.js';

function sampleLock(prompt = 'a prompt'): Lock {
  const shot = makeShot('coastal-city', { prompt });
  return { version: 1, shots: { 'coastal-city': completedEntryFor(shot) } };
}

describe('writeLock', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-write-'));
    file = join(dir, 'shots.lock.yaml');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, then reads back the same lock', async () => {
    expect(await writeLock(file, sampleLock())).toBe(true);
    expect(await readLock(file)).toEqual(sampleLock());
    expect(await readFile(file, 'utf8')).toBe(serializeLock(sampleLock()));
  });

  it('does not rewrite an unchanged lock', async () => {
    await writeLock(file, sampleLock());
    const before = await stat(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await writeLock(file, sampleLock())).toBe(false);
    // Same content built from a separately read lock: still not rewritten.
    expect(await writeLock(file, await readLock(file))).toBe(false);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('does not rewrite a CRLF checkout of the same lock', async () => {
    await writeFile(file, serializeLock(sampleLock()).replace(/\n/g, '\r\n'));
    expect(await writeLock(file, sampleLock())).toBe(false);
  });

  it('replaces a changed lock atomically and leaves no temp files', async () => {
    await writeLock(file, sampleLock());
    const before = await stat(file);
    expect(await writeLock(file, sampleLock('another prompt'))).toBe(true);
    expect((await readLock(file)).shots['coastal-city']?.spec.prompt).toBe('another prompt');
    expect((await stat(file)).ino).not.toBe(before.ino); // renamed into place, not rewritten in place
    expect(await readdir(dir)).toEqual(['shots.lock.yaml']);
  });
});
