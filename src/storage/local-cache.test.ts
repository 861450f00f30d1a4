import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useScratch } from '../../test/helpers/scratch.js';
import { completedEntryFor, makeShot as makeTestShot } from '../../test/lock-helpers.js';
import { specHash } from '../manifest/spec-hash.js';
import { LocalCache } from './local-cache.js';
import { specIndexEntry, parseSpecIndexEntry, serializeSpecIndexEntry } from './spec-index.js';

const scratch = useScratch('videogen-cache-');

/** Spec index entries are checked against the real spec hash, not the test helpers' stand-in. */
function makeShot(...args: Parameters<typeof makeTestShot>) {
  const shot = makeTestShot(...args);
  return { ...shot, specHash: specHash(shot.spec) };
}

async function output(name: string, content: string) {
  const file = path.join(scratch.dir, 'out', name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return { file, sha256: createHash('sha256').update(content).digest('hex'), bytes: Buffer.byteLength(content) };
}

describe('LocalCache', () => {
  it('links an output in under its sha256, beside a .gitignore, and checks it out elsewhere', async () => {
    const cache = LocalCache.forManifest(scratch.dir);
    const video = await output('a.mp4', 'video bytes A');
    await cache.addFile(video.file, video);
    const cached = cache.objectPath(video.sha256);
    expect(path.relative(scratch.dir, cached)).toBe(path.join('.videogen', 'cache', 'sha256', video.sha256.slice(0, 2), `${video.sha256}.mp4`));
    expect(statSync(cached).ino).toBe(statSync(video.file).ino);
    expect(readFileSync(path.join(scratch.dir, '.videogen', '.gitignore'), 'utf8')).toContain('*');
    expect(await cache.hasObject(video)).toBe(true);

    const dest = path.join(scratch.dir, 'out', 'renamed.mp4');
    expect(await cache.checkout(video, dest)).toBe('linked');
    expect(await readFile(dest, 'utf8')).toBe('video bytes A');
    // No temp names left behind, even when checking out onto a link of the same file.
    expect(await cache.checkout(video, dest)).toBe('linked');
    expect(readdirSync(path.dirname(dest)).sort()).toEqual(['a.mp4', 'renamed.mp4']);
  });

  it('refuses and drops a cached object whose bytes changed (an output edited in place)', async () => {
    const cache = LocalCache.forManifest(scratch.dir);
    const video = await output('a.mp4', 'original bytes');
    await cache.addFile(video.file, video);
    await writeFile(video.file, 'edited! bytes!'); // same length, same inode: the cached copy changes too
    const dest = path.join(scratch.dir, 'out', 'b.mp4');
    await expect(cache.checkout(video, dest)).rejects.toMatchObject({ code: 'VIDEOGEN_STORAGE_CORRUPT', message: expect.stringContaining(video.sha256) });
    expect(existsSync(cache.objectPath(video.sha256))).toBe(false);
    expect(existsSync(dest)).toBe(false);
  });

  it('receives a stream only when its bytes match the name, leaving nothing behind otherwise', async () => {
    const cache = LocalCache.forManifest(scratch.dir);
    const good = { sha256: createHash('sha256').update('from the store').digest('hex'), bytes: 14 };
    await cache.receive(Readable.from([Buffer.from('from the '), Buffer.from('store')]), good, 's3://b/x');
    expect(await cache.hasObject(good)).toBe(true);

    const claimed = { sha256: 'a'.repeat(64), bytes: 14 };
    await expect(cache.receive(Readable.from([Buffer.from('from the store')]), claimed, 's3://b/sha256/aa/aaa.mp4')).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_CORRUPT',
      message: expect.stringContaining('s3://b/sha256/aa/aaa.mp4'),
    });
    await expect(cache.receive(Readable.from([Buffer.from('far too many bytes')]), claimed, 's3://b/x')).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_CORRUPT',
    });
    expect(readdirSync(path.dirname(cache.objectPath(claimed.sha256)))).toEqual([]);
  });

  it('keeps spec index entries as lines of one log and lists them in one read', async () => {
    const cache = LocalCache.forManifest(scratch.dir);
    expect(await cache.specHashes()).toEqual(new Set());
    const shot = makeShot('hero');
    const entry = specIndexEntry('hero', { ...completedEntryFor(shot), output: completedEntryFor(shot).output! });
    await cache.writeSpec(entry);
    expect(await cache.specHashes()).toEqual(new Set([shot.specHash]));
    expect(await cache.readSpec(shot.specHash)).toEqual(entry);
    expect(entry).toMatchObject({ shot: 'hero', job_id: 'job-hero', provider: 'heygen' });
    // One line, no file per spec: an inode and a rename a shot is what the log saves.
    expect(readFileSync(specLogOf(cache), 'utf8')).toBe(`${JSON.stringify(entry)}\n`);
    expect(existsSync(path.join(cache.root, 'specs'))).toBe(false);

    // The last line for a spec wins, in this process and in the next.
    const again = { ...entry, shot: 'hero-again' };
    await cache.writeSpec(again);
    expect(await cache.readSpec(shot.specHash)).toEqual(again);
    expect(await LocalCache.forManifest(scratch.dir).readSpec(shot.specHash)).toEqual(again);
  });

  it('still reads the file per spec that caches written before the log hold', async () => {
    const shot = makeShot('old');
    const entry = specIndexEntry('old', { ...completedEntryFor(shot), output: completedEntryFor(shot).output! });
    const cache = LocalCache.forManifest(scratch.dir);
    // As an earlier videogen wrote it: specs/<hex>.json, pretty-printed.
    await mkdir(path.join(cache.root, 'specs'), { recursive: true });
    await writeFile(path.join(cache.root, 'specs', `${shot.specHash.slice('sha256:'.length)}.json`), serializeSpecIndexEntry(entry));
    const newer = makeShot('new', { prompt: 'a newer shot' });
    const newerEntry = specIndexEntry('new', { ...completedEntryFor(newer), output: completedEntryFor(newer).output! });
    await cache.writeSpec(newerEntry);

    const fresh = LocalCache.forManifest(scratch.dir);
    expect(await fresh.specHashes()).toEqual(new Set([shot.specHash, newer.specHash]));
    expect(await fresh.readSpec(shot.specHash)).toEqual(entry);
    expect(await fresh.readSpec(newer.specHash)).toEqual(newerEntry);
  });

  it('skips a line a crash cut short, and a line whose spec does not hash to its name', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => makeShot(id, { prompt: `shot ${id}` }));
    const entryOf = (shot: ReturnType<typeof makeShot>) =>
      specIndexEntry(shot.id, { ...completedEntryFor(shot), output: completedEntryFor(shot).output! });
    const cache = LocalCache.forManifest(scratch.dir);
    await cache.writeSpec(entryOf(a!));
    // A crash in the middle of the next append, and a forged line naming b with a's spec.
    const forged = JSON.stringify({ ...entryOf(b!), spec: a!.spec });
    await writeFile(specLogOf(cache), `${readFileSync(specLogOf(cache), 'utf8')}${forged}\n${JSON.stringify(entryOf(c!)).slice(0, 80)}`);
    // The next process's first append starts on a line of its own.
    await LocalCache.forManifest(scratch.dir).writeSpec(entryOf(c!));

    const fresh = LocalCache.forManifest(scratch.dir);
    expect(await fresh.readSpec(a!.specHash)).toEqual(entryOf(a!));
    expect(await fresh.readSpec(b!.specHash)).toBeUndefined();
    expect(await fresh.readSpec(c!.specHash)).toEqual(entryOf(c!));
  });
});

/** The local cache's spec index log (layout.ts SPEC_LOG). */
function specLogOf(cache: LocalCache): string {
  return path.join(cache.root, 'specs.jsonl');
}

describe('spec index entries', () => {
  const shot = makeShot('hero');
  const entry = specIndexEntry('hero', { ...completedEntryFor(shot), output: completedEntryFor(shot).output! });

  it('round-trip through their JSON', () => {
    expect(parseSpecIndexEntry(serializeSpecIndexEntry(entry), shot.specHash)).toEqual(entry);
  });

  it('are refused when filed under another spec, or when their spec does not hash to their name', () => {
    const other = makeShot('other', { prompt: 'something else' });
    expect(parseSpecIndexEntry(serializeSpecIndexEntry(entry), other.specHash)).toEqual({ problem: `it names spec ${shot.specHash}` });
    const forged = { ...entry, spec: other.spec };
    expect(parseSpecIndexEntry(serializeSpecIndexEntry(forged), shot.specHash)).toEqual({ problem: 'its spec does not hash to its name' });
    expect(parseSpecIndexEntry('{"version":1', shot.specHash)).toEqual({ problem: 'not JSON' });
    expect(parseSpecIndexEntry('{"version":1}', shot.specHash)).toMatchObject({ problem: expect.stringContaining('spec_hash') });
  });

  it('name the generation a reused output came from, not the reuse', () => {
    const reused = {
      ...completedEntryFor(shot),
      output: completedEntryFor(shot).output!,
      job_id: undefined,
      reused_from: { source: 'store' as const, job_id: 'job-7', provider: 'or', shot: 'old-name', generated_at: '2026-11-20T09:00:00Z' },
    };
    expect(specIndexEntry('hero', reused)).toMatchObject({ job_id: 'job-7', provider: 'or', shot: 'old-name', generated_at: '2026-11-20T09:00:00Z' });
  });
});
