import { mkdtemp, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseLockText, readLock } from './read.js';
import { serializeLock } from './serialize.js';
import { emptyLock, type Lock } from './types.js';
import { completedEntryFor, makeShot } from '../../test/lock-helpers.js';

const HASH = `sha256:${'a'.repeat(64)}`;
const DIGEST = 'b'.repeat(64);

function rejection(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected the lock to be rejected');
}

describe('readLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a missing lock as an empty one', async () => {
    expect(await readLock(join(dir, 'shots.lock.yaml'))).toEqual(emptyLock());
  });

  it('refuses a directory, invalid UTF-8 and a huge file', async () => {
    const directory = join(dir, 'is-a-dir.lock.yaml');
    await mkdir(directory);
    await expect(readLock(directory)).rejects.toMatchObject({ code: 'VIDEOGEN_LOCK_INVALID' });

    const binary = join(dir, 'binary.lock.yaml');
    await writeFile(binary, Buffer.from([0x76, 0x65, 0xff, 0xfe, 0x0a]));
    await expect(readLock(binary)).rejects.toThrow(/UTF-8/);

    const huge = join(dir, 'huge.lock.yaml');
    await writeFile(huge, '');
    await truncate(huge, 101 * 1024 * 1024); // sparse: no real disk used
    await expect(readLock(huge)).rejects.toThrow(/at most 100 MB/);
  });

  it('reads what serializeLock wrote, including with CRLF line ends', async () => {
    const shot = makeShot('coastal-city');
    const lock: Lock = { version: 1, shots: { 'coastal-city': completedEntryFor(shot) } };
    const file = join(dir, 'shots.lock.yaml');
    await writeFile(file, serializeLock(lock).replace(/\n/g, '\r\n'));
    expect(await readLock(file)).toEqual(lock);
  });
});

describe('parseLockText', () => {
  it('accepts a valid lock written by hand in another YAML style', () => {
    const text = [
      'version: 1',
      'shots:',
      '  # a comment',
      '  coastal-city:',
      `    spec_hash: '${HASH}'`,
      '    spec: { provider: heygen, endpoint: "https://api.heygen.com", model: veo_3_1, prompt: yes, aspect_ratio: "16:9", duration: 4 }',
      '    state: completed',
      '    job_id: node-gw-v1d2e3o4',
      '    submitted_at: 2026-11-21T10:00:00Z',
      '    completed_at: 2026-11-21T10:03:12+01:00',
      '    output:',
      '      path: out/coastal-city.mp4',
      `      sha256: ${DIGEST}`,
      '      bytes: 1843221',
      '',
    ].join('\n');
    const lock = parseLockText(text, 'shots.lock.yaml');
    expect(lock.shots['coastal-city']).toEqual({
      spec_hash: HASH,
      spec: { provider: 'heygen', endpoint: 'https://api.heygen.com', model: 'veo_3_1', prompt: 'yes', aspect_ratio: '16:9', duration: 4 },
      state: 'completed',
      job_id: 'node-gw-v1d2e3o4',
      submitted_at: '2026-11-21T10:00:00Z',
      completed_at: '2026-11-21T10:03:12+01:00',
      output: { path: 'out/coastal-city.mp4', sha256: DIGEST, bytes: 1843221 },
    });
    // Written back in canonical form, it reads back the same.
    expect(parseLockText(serializeLock(lock), 'x')).toEqual(lock);
  });

  it('allows output paths that climb out of the manifest directory', () => {
    const shot = makeShot('a');
    const lock: Lock = { version: 1, shots: { a: completedEntryFor(shot, 'x', '../renders/a.mp4') } };
    expect(parseLockText(serializeLock(lock), 'x')).toEqual(lock);
  });

  it('keeps the fields provider modules add: spec extras, remote URLs, cost, error class, idempotency key', () => {
    const shot = makeShot('a', { provider: 'fal', resolution: '1080p', take: 2, seed: 7 } as never);
    const entry = {
      ...completedEntryFor(shot),
      idempotency_key: 'vg-0123456789abcdef-1',
      remote: { status_url: 'https://queue.fal.run/fal-ai/veo3.1/requests/r1/status', response_url: 'https://queue.fal.run/fal-ai/veo3.1/requests/r1' },
      cost: { estimated: 0.96, reported: 0.9, currency: 'USD' as const },
    };
    const failed = { ...entry, state: 'failed' as const, output: undefined, error: { code: 'content_policy', class: 'moderation' as const, message: 'refused' } };
    delete failed.output;
    const lock: Lock = { version: 1, shots: { a: entry, b: failed } };
    const text = serializeLock(lock);
    expect(parseLockText(text, 'x')).toEqual(lock);
    expect(serializeLock(parseLockText(text, 'x'))).toBe(text);
  });

  it('reports every problem, each with its field path and position', () => {
    const text = [
      'version: 1',
      'shots:',
      '  one:',
      `    spec_hash: ${HASH}`,
      '    spec: { provider: heygen, endpoint: e, model: m, prompt: p }',
      '    state: completed',
      '  two:',
      `    spec_hash: ${HASH}`,
      '    spec: { provider: 7, endpoint: e, model: m, prompt: p }',
      '    state: submitted',
      '    job_id: j',
      '    colour: blue',
      '',
    ].join('\n');
    const error = rejection(() => parseLockText(text, 'shots.lock.yaml'));
    const found = error.diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'VIDEOGEN_LOCK_CONTRADICTION 6:12 shots.one.output',
        'VIDEOGEN_LOCK_SCHEMA 9:23 shots.two.spec.provider',
        'VIDEOGEN_LOCK_SCHEMA 12:5 shots.two.colour',
      ]),
    );
    expect(error.diagnostics).toHaveLength(3);
    expect(error.message).toBe('3 problems');
    expect(error.diagnostics[0]!.hint).toContain('git checkout -- shots.lock.yaml');
  });

  it('never takes the fast path for text that merely resembles canonical output', () => {
    const shot = makeShot('a');
    const canonical = serializeLock({ version: 1, shots: { a: completedEntryFor(shot) } });
    // Same shape, but an extra entry key: must go to the full parser and be rejected with a position.
    const tampered = canonical.replace('    state: completed\n', '    state: completed\n    extra: 1\n');
    const error = rejection(() => parseLockText(tampered, 'l.yaml'));
    expect(error.diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_LOCK_SCHEMA', path: 'shots.a.extra', line: 13, col: 5 });
  });

  it('reads a newer version as a version problem, not a pile of schema errors', () => {
    const error = rejection(() => parseLockText('version: 2\nshots: { a: { whatever: true } }\n', 'l.yaml'));
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_LOCK_VERSION', line: 1, col: 10, hint: 'upgrade videogen to read it' });
  });

  it('refuses a document that is not a mapping', () => {
    expect(rejection(() => parseLockText('- a\n- b\n', 'l.yaml')).diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_LOCK_SCHEMA' });
    expect(rejection(() => parseLockText('---\nversion: 1\n---\nversion: 1\n', 'l.yaml')).diagnostics[0]).toMatchObject({
      code: 'VIDEOGEN_LOCK_SYNTAX',
    });
  });

  it('never crashes on mangled text: either a lock or located diagnostics', () => {
    const shots: Lock['shots'] = {};
    for (const id of ['a', 'b.c', 'd-1']) shots[id] = completedEntryFor(makeShot(id, { prompt: 'x: "y" # z', options: { n: [1, { k: 'v' }] } }));
    const text = serializeLock({ version: 1, shots });
    const junk = ['', ':', ' ', '\n', '"', "'", '{', '}', '[', '-', '#', '&a', '*a', '!!binary', '\t', 'x', '0', 'state: failed\n'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let rejected = 0;
    for (let round = 0; round < 400; round += 1) {
      const at = random(text.length);
      const cut = random(8);
      const mangled = text.slice(0, at) + junk[random(junk.length)] + text.slice(at + cut);
      try {
        parseLockText(mangled, 'm.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        for (const diagnostic of (error as InvalidInputError).diagnostics) {
          expect(diagnostic.line, JSON.stringify(mangled)).toBeGreaterThan(0);
          expect(diagnostic.code).toMatch(/^VIDEOGEN_LOCK_(SYNTAX|SCHEMA|CONTRADICTION|VERSION)$/);
        }
        rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
