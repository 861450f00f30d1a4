import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyImage, hashImageFiles, isInside } from './images.js';

const outer = mkdtempSync(path.join(tmpdir(), 'videogen-images-'));
const root = path.join(outer, 'project');
afterAll(() => rmSync(outer, { recursive: true, force: true }));
mkdirSync(path.join(root, 'refs'), { recursive: true });
writeFileSync(path.join(root, 'refs/product.png'), 'png bytes');
writeFileSync(path.join(outer, 'secret.png'), 'not yours');
const posix = process.platform !== 'win32';
if (posix) {
  symlinkSync('product.png', path.join(root, 'refs/inside.png'));
  symlinkSync(path.join(outer, 'secret.png'), path.join(root, 'refs/escape.png'));
  symlinkSync(outer, path.join(root, 'up'));
}

const at = (relative: string) => path.join(root, relative);

describe('isInside', () => {
  it('is true below the root only', () => {
    expect(isInside(root, at('refs/a.png'))).toBe(true);
    expect(isInside(root, at('..foo/a.png'))).toBe(true);
    expect(isInside(root, root)).toBe(false);
    expect(isInside(root, path.join(outer, 'secret.png'))).toBe(false);
    expect(isInside(root, path.join(root, '..', 'project-2', 'a.png'))).toBe(false);
  });
});

describe('classifyImage', () => {
  it('refuses backslashes and Windows drive paths, which mean another file on another OS', () => {
    expect(classifyImage('refs\\a.png', root)).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/forward slashes/) });
    expect(classifyImage('C:\\refs\\a.png', root)).toMatchObject({ kind: 'invalid' });
    expect(classifyImage('C:/refs/a.png', root)).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/drive path/) });
    expect(classifyImage('refs/a.png', root)).toEqual({ kind: 'file', path: at('refs/a.png') });
  });
});

describe('hashImageFiles', () => {
  it('hashes files inside the root, including through a symlink that stays inside', async () => {
    const files = posix ? [at('refs/product.png'), at('refs/inside.png')] : [at('refs/product.png')];
    const results = await hashImageFiles(files, { root });
    const sha = createHash('sha256').update('png bytes').digest('hex');
    for (const file of files) expect(results.get(file)).toEqual({ ok: true, image: { kind: 'file', path: file, sha256: sha, bytes: 9 } });
  });

  it('refuses a path outside the root without reading it', async () => {
    const outside = path.join(outer, 'secret.png');
    const results = await hashImageFiles([outside], { root });
    expect(results.get(outside)).toMatchObject({ ok: false, reason: 'outside' });
  });

  it.skipIf(!posix)('refuses symlinks (to a file or through a directory) that resolve outside the root', async () => {
    const files = [at('refs/escape.png'), at('up/secret.png')];
    const results = await hashImageFiles(files, { root });
    for (const file of files) {
      expect(results.get(file)).toMatchObject({ ok: false, reason: 'outside', detail: expect.stringMatching(/symlink to .*secret\.png/) });
    }
  });

  it('without a root (programmatic use), only reads', async () => {
    const outside = path.join(outer, 'secret.png');
    expect((await hashImageFiles([outside])).get(outside)).toMatchObject({ ok: true });
  });

  it('does not read a file over its size limit, and reports its size', async () => {
    const big = at('refs/big.png');
    writeFileSync(big, '');
    truncateSync(big, 40 * 1024 * 1024);
    const results = await hashImageFiles([big], { root, maxBytes: new Map([[big, 32 * 1024 * 1024]]) });
    expect(results.get(big)).toEqual({ ok: false, reason: 'too-large', detail: 'is 40.0 MB', bytes: 40 * 1024 * 1024 });
    const unlimited = await hashImageFiles([big], { root, maxBytes: new Map([[big, Number.POSITIVE_INFINITY]]) });
    expect(unlimited.get(big)).toMatchObject({ ok: true, image: { bytes: 40 * 1024 * 1024 } });
  });
});
