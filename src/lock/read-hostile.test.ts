/** Lockfiles that are not lockfiles, or that a hand edit made contradictory: each located, none read forever. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseLockText, readLock } from './read.js';
import { entryProblem } from './validate.js';
import type { LockEntry } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'videogen-read-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = `sha256:${'a'.repeat(64)}`;
const SHA = 'b'.repeat(64);
const entry = (lines: string[]) =>
  [
    'version: 1',
    'shots:',
    '  a:',
    `    spec_hash: ${HASH}`,
    '    spec: { provider: heygen, endpoint: emulator, model: veo_3_1, prompt: x }',
    ...lines.map((line) => `    ${line}`),
    '',
  ].join('\n');

async function firstProblem(bytes: Uint8Array | string, name = 'shots.lock.yaml') {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const error = await readLock(file).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidInputError);
  const { code, line, col, path, message } = (error as InvalidInputError).diagnostics[0]!;
  return { code, line, col, path, message };
}

function parseProblem(text: string) {
  try {
    parseLockText(text, 'shots.lock.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const { code, line, col, path, message } = (error as InvalidInputError).diagnostics[0]!;
    return { code, line, col, path, message };
  }
  throw new Error('expected the lock to be rejected');
}

describe('bytes that are not a lockfile', () => {
  it('names a UTF-16 file at 1:1', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('version: 1\nshots: {}\n', 'utf16le')]);
    expect(await firstProblem(utf16, 'utf16.lock.yaml')).toMatchObject({ code: 'VIDEOGEN_LOCK_SYNTAX', line: 1, col: 1, message: expect.stringMatching(/UTF-16/) });
  });

  it('locates the first NUL byte of a binary file', async () => {
    const bytes = Buffer.concat([Buffer.from('version: 1\nsho'), Buffer.alloc(1000)]);
    expect(await firstProblem(bytes, 'nul.lock.yaml')).toMatchObject({ code: 'VIDEOGEN_LOCK_SYNTAX', line: 2, col: 4, message: expect.stringMatching(/NUL bytes/) });
  });

  it('locates the first byte that is not UTF-8', async () => {
    const latin1 = Buffer.from(entry(['state: failed', 'error: { code: x, message: "caf\u00e9" }']), 'latin1');
    expect(await firstProblem(latin1, 'latin1.lock.yaml')).toMatchObject({ code: 'VIDEOGEN_LOCK_SYNTAX', line: 7, col: 36 });
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO or a device without reading it (no hang)', async () => {
    const fifo = join(dir, 'fifo.lock.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = join(dir, 'zero.lock.yaml');
    symlinkSync('/dev/zero', zero);
    for (const file of [fifo, zero]) {
      await expect(readLock(file)).rejects.toMatchObject({
        code: 'VIDEOGEN_LOCK_INVALID',
        diagnostics: [expect.objectContaining({ code: 'VIDEOGEN_LOCK_SYNTAX', message: expect.stringMatching(/not a regular file/) })],
      });
    }
  });

  it('says "nests too deeply" rather than echoing a stack overflow', () => {
    const problem = parseProblem(`version: 1\nshots:\n  a:\n    spec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(problem.code).toBe('VIDEOGEN_LOCK_SYNTAX');
    expect(problem.message).toMatch(/nests too deeply/);
    expect(problem.message).not.toMatch(/call stack/);
  });
});

describe('contradictions a hand edit leaves', () => {
  it('refuses an output on a submitted or failed entry, at the output key', () => {
    const output = `output: { path: ../../../etc/passwd, sha256: ${SHA}, bytes: 1 }`;
    expect(parseProblem(entry(['state: submitted', 'job_id: j1', output]))).toMatchObject({
      code: 'VIDEOGEN_LOCK_CONTRADICTION',
      path: 'shots.a.output',
      line: 8,
      col: 5,
    });
    expect(parseProblem(entry(['state: failed', 'error: { code: x, message: y }', output]))).toMatchObject({ code: 'VIDEOGEN_LOCK_CONTRADICTION', line: 8 });
  });

  it('refuses an output path with backslashes, at the path', () => {
    const problem = parseProblem(entry(['state: completed', `output: { path: 'out\\..\\..\\x.mp4', sha256: ${SHA}, bytes: 1 }`]));
    expect(problem).toMatchObject({ code: 'VIDEOGEN_LOCK_SCHEMA', path: 'shots.a.output.path', line: 7, col: 21 });
  });

  it('never refuses what the executor writes (the writer checks entries with the same rules)', () => {
    const base: LockEntry = { spec_hash: HASH, spec: { provider: 'heygen', endpoint: 'emulator', model: 'veo_3_1', prompt: 'x' }, state: 'submitted' };
    expect(entryProblem('a', base)).toBeUndefined();
    expect(entryProblem('a', { ...base, state: 'completed', output: { path: '../renders/a.mp4', sha256: SHA, bytes: 1 } })).toBeUndefined();
    expect(entryProblem('a', { ...base, output: { path: 'out/a.mp4', sha256: SHA, bytes: 1 } })).toMatch(/only a completed shot/);
  });
});
