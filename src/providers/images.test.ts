import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideogenError } from '../errors.js';
import { imageBlob, readLocalImage, sniffImageMime, toDataUrl } from './images.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('sniffImageMime', () => {
  it('recognises PNG, JPEG and WebP by their bytes', () => {
    expect(sniffImageMime(PNG)).toBe('image/png');
    expect(sniffImageMime(JPEG)).toBe('image/jpeg');
    expect(sniffImageMime(WEBP)).toBe('image/webp');
  });

  it('rejects anything else, including truncated signatures and RIFF that is not WebP', () => {
    expect(sniffImageMime(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageMime(PNG.subarray(0, 4))).toBeUndefined();
    expect(sniffImageMime(Buffer.from('RIFF\x00\x00\x00\x00WAVE'))).toBeUndefined();
    expect(sniffImageMime(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('toDataUrl / imageBlob', () => {
  it('builds a base64 data URL and a typed Blob', async () => {
    expect(toDataUrl({ bytes: JPEG, mime: 'image/jpeg' })).toBe(`data:image/jpeg;base64,${JPEG.toString('base64')}`);
    const blob = imageBlob({ path: 'x', filename: 'x.png', bytes: PNG, mime: 'image/png', sha256: sha(PNG) });
    expect(blob.type).toBe('image/png');
    expect(Buffer.from(await blob.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

describe('readLocalImage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'videogen-images-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the bytes and sniffs the type whatever the extension says', async () => {
    const file = path.join(dir, 'really-a-jpeg.png');
    await writeFile(file, JPEG);
    const image = await readLocalImage({ kind: 'file', path: file, sha256: `sha256:${sha(JPEG)}`, bytes: JPEG.length });
    expect(image).toMatchObject({ filename: 'really-a-jpeg.png', mime: 'image/jpeg', sha256: sha(JPEG) });
    expect(image.bytes.equals(JPEG)).toBe(true);
  });

  it('accepts a bare hex digest too', async () => {
    const file = path.join(dir, 'a.png');
    await writeFile(file, PNG);
    await expect(readLocalImage({ kind: 'file', path: file, sha256: sha(PNG), bytes: PNG.length })).resolves.toMatchObject({
      mime: 'image/png',
    });
  });

  it('refuses a file whose bytes changed since the manifest hashed it', async () => {
    const file = path.join(dir, 'changed.png');
    await writeFile(file, PNG);
    await expect(readLocalImage({ kind: 'file', path: file, sha256: sha(JPEG), bytes: 1 })).rejects.toMatchObject({
      code: 'VIDEOGEN_IMAGE_CHANGED',
    });
  });

  it('refuses a file that is not an image the APIs take', async () => {
    const file = path.join(dir, 'anim.gif');
    const gif = Buffer.from('GIF89a....');
    await writeFile(file, gif);
    await expect(readLocalImage({ kind: 'file', path: file, sha256: sha(gif), bytes: gif.length })).rejects.toMatchObject({
      code: 'VIDEOGEN_IMAGE_UNSUPPORTED',
    });
  });

  it('turns a missing file into a VideogenError, not an ENOENT', async () => {
    const error = await readLocalImage({ kind: 'file', path: path.join(dir, 'nope.png'), sha256: 'x', bytes: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VideogenError);
    expect(error).toMatchObject({ code: 'VIDEOGEN_IMAGE_UNREADABLE' });
  });
});
