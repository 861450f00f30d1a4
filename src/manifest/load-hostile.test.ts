/** loadManifest against hostile paths, images and YAML tags: every problem located, nothing read that should not be. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { OPENAI_MAX_INLINE_IMAGE_BYTES } from '../providers/openai-videos/index.js';
import { parseManifestText } from './load.js';

const outer = mkdtempSync(path.join(tmpdir(), 'videogen-load-hostile-'));
const dir = path.join(outer, 'project');
afterAll(() => rmSync(outer, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'refs'), { recursive: true });
writeFileSync(path.join(outer, 'elsewhere.png'), 'outside');
/** A file of exactly `bytes` that starts like a PNG (types are judged by the first bytes). */
const sized = (name: string, bytes: number) => {
  const file = path.join(dir, 'refs', name);
  writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  truncateSync(file, bytes);
};
sized('heygen-max.png', 32 * 1024 * 1024);
sized('heygen-over.png', 32 * 1024 * 1024 + 1);
sized('inline-max.png', OPENAI_MAX_INLINE_IMAGE_BYTES);
sized('inline-over.png', OPENAI_MAX_INLINE_IMAGE_BYTES + 1);
writeFileSync(path.join(dir, 'notes.txt'), 'not a directory');
const posix = process.platform !== 'win32';
if (posix) symlinkSync(path.join(outer, 'elsewhere.png'), path.join(dir, 'refs/escape.png'));

const PROVIDERS = `providers:
  hg:
    type: heygen
  inline:
    type: openai-videos
    base_url: https://api.huixingyun.com/v1
    reference_format: object
  upload:
    type: openai-videos
    base_url: https://api.huixingyun.com/v1
    reference_format: multipart
defaults:
  provider: hg
  model: veo-3.1-fast-generate-001
`;

const load = (text: string) => parseManifestText(text, 'shots.yaml', dir);

async function problemsOf(text: string): Promise<Array<[string, string, number, number]>> {
  const error = await load(text).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).diagnostics.map((d) => [d.code, d.path, d.line, d.col]);
}

describe('local images must stay inside the manifest directory', () => {
  it('refuses absolute and ../ paths, and (on POSIX) a symlink out, at the field', async () => {
    const shots = [
      `  - id: a\n    prompt: x\n    reference_image: ${path.join(outer, 'elsewhere.png')}\n`,
      '  - id: b\n    prompt: x\n    tail_image: ../elsewhere.png\n',
      ...(posix ? ['  - id: c\n    prompt: x\n    reference_image: refs/escape.png\n'] : []),
    ];
    const problems = await problemsOf(`version: 1\n${PROVIDERS}shots:\n${shots.join('')}`);
    expect(problems).toEqual([
      ['VIDEOGEN_MANIFEST_FILE_OUTSIDE', 'shots[0].reference_image', 19, 22],
      ['VIDEOGEN_MANIFEST_FILE_OUTSIDE', 'shots[1].tail_image', 22, 17],
      ...(posix ? [['VIDEOGEN_MANIFEST_FILE_OUTSIDE', 'shots[2].reference_image', 25, 22]] : []),
    ]);
  });
});

describe('image size limits', () => {
  it('accepts images at each limit', async () => {
    const manifest = await load(
      `version: 1\n${PROVIDERS}shots:\n` +
        '  - id: a\n    prompt: x\n    reference_image: refs/heygen-max.png\n' +
        '  - id: b\n    provider: inline\n    prompt: x\n    reference_image: refs/inline-max.png\n' +
        '  - id: c\n    provider: upload\n    prompt: x\n    reference_image: refs/heygen-over.png\n',
    );
    expect(manifest.shots.map((s) => s.referenceImage?.kind)).toEqual(['file', 'file', 'file']);
  });

  it('refuses one byte over, per provider: the same file may suit one shot and not another', async () => {
    const problems = await problemsOf(
      `version: 1\n${PROVIDERS}shots:\n` +
        '  - id: a\n    prompt: x\n    tail_image: refs/heygen-over.png\n' +
        '  - id: b\n    provider: inline\n    prompt: x\n    reference_image: refs/inline-over.png\n' +
        '  - id: c\n    provider: upload\n    prompt: x\n    reference_image: refs/inline-over.png\n',
    );
    expect(problems).toEqual([
      ['VIDEOGEN_MANIFEST_IMAGE_TOO_LARGE', 'shots[0].tail_image', 19, 17],
      ['VIDEOGEN_MANIFEST_IMAGE_TOO_LARGE', 'shots[1].reference_image', 23, 22],
    ]);
  });
});

describe('output_dir', () => {
  const withOutputDir = (value: string) => `version: 1\noutput_dir: ${value}\n${PROVIDERS}shots:\n  - id: a\n    prompt: x\n`;

  it('refuses backslashes, a file in the way and (on POSIX) a drive path', async () => {
    expect(await problemsOf(withOutputDir('renders\\final'))).toEqual([['VIDEOGEN_MANIFEST_VALUE', 'output_dir', 2, 13]]);
    expect(await problemsOf(withOutputDir('notes.txt'))).toEqual([['VIDEOGEN_MANIFEST_VALUE', 'output_dir', 2, 13]]);
    if (posix) expect(await problemsOf(withOutputDir('D:/renders'))).toEqual([['VIDEOGEN_MANIFEST_VALUE', 'output_dir', 2, 13]]);
  });

  it('still allows a directory outside the project, chosen explicitly', async () => {
    expect((await load(withOutputDir('../renders'))).outputDir).toBe('../renders');
  });
});

describe('YAML tags', () => {
  it('reports an unknown tag at the tag instead of reading the text under it', async () => {
    expect(await problemsOf(`version: 1\n${PROVIDERS}shots:\n  - id: a\n    prompt: !js/function "x"\n`)).toEqual([
      ['VIDEOGEN_MANIFEST_SYNTAX', '', 18, 13],
    ]);
  });

  it('names a !!binary prompt for what it is', async () => {
    const error = (await load(`version: 1\n${PROVIDERS}shots:\n  - id: a\n    prompt: !!binary aGVsbG8=\n`).catch((e: unknown) => e)) as InvalidInputError;
    expect(error.diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_TYPE', path: 'shots[0].prompt' });
    expect(error.diagnostics[0]!.message).toContain('binary data (!!binary)');
  });
});
