import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, VideogenError } from '../errors.js';
import { readManifestText, utf16Or32Encoding } from './manifest-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'videogen-manifest-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'version: 1\nshots:\n  - id: a\n    prompt: Caf\u00e9\n';

async function failure(name: string, bytes?: Uint8Array): Promise<unknown> {
  const file = path.join(dir, name);
  if (bytes) writeFileSync(file, bytes);
  return readManifestText(file, file).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('readManifestText', () => {
  it('reads UTF-8, with or without a byte-order mark', async () => {
    const file = path.join(dir, 'ok.yaml');
    writeFileSync(file, TEXT);
    await expect(readManifestText(file, file)).resolves.toBe(TEXT);
  });

  it('names UTF-16 and UTF-32 files by their byte-order mark, at 1:1', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const error = (await failure('utf16.yaml', utf16)) as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_SYNTAX', line: 1, col: 1, hint: 'save it as UTF-8' });
    expect(error.diagnostics[0]!.message).toContain('UTF-16');
  });

  it('points at the first byte that is not UTF-8 and suggests Latin-1', async () => {
    const error = (await failure('latin1.yaml', Buffer.from(TEXT, 'latin1'))) as InvalidInputError;
    expect(error.diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_SYNTAX', line: 4, col: 16 });
    expect(error.diagnostics[0]!.hint).toMatch(/Latin-1/);
  });

  it('refuses an empty path as usage, not as "a directory"', async () => {
    await expect(readManifestText('', path.resolve(''))).rejects.toMatchObject({ code: 'VIDEOGEN_USAGE', exitCode: 3 });
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO and a device without reading them (no hang)', async () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = path.join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    for (const file of [fifo, zero]) {
      const error = await readManifestText(file, file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VideogenError);
      expect(error).toMatchObject({ code: 'VIDEOGEN_MANIFEST_NOT_FOUND', exitCode: 3 });
      expect((error as Error).message).toMatch(/not a regular file/);
    }
  });

  it('suggests the manifest inside a directory given as the manifest', async () => {
    const error = (await readManifestText(dir, dir).catch((caught: unknown) => caught)) as VideogenError;
    expect(error.code).toBe('VIDEOGEN_MANIFEST_NOT_FOUND');
    expect(error.hint).toContain(path.join(dir, 'shots.yaml'));
  });
});

describe('utf16Or32Encoding', () => {
  it('recognises each byte-order mark and nothing else', () => {
    expect(utf16Or32Encoding(Buffer.from([0xff, 0xfe, 0x76, 0x00]))).toBe('UTF-16');
    expect(utf16Or32Encoding(Buffer.from([0xfe, 0xff, 0x00, 0x76]))).toBe('UTF-16');
    expect(utf16Or32Encoding(Buffer.from([0xff, 0xfe, 0x00, 0x00]))).toBe('UTF-32');
    expect(utf16Or32Encoding(Buffer.from([0x00, 0x00, 0xfe, 0xff]))).toBe('UTF-32');
    expect(utf16Or32Encoding(Buffer.from([0xef, 0xbb, 0xbf, 0x76]))).toBeUndefined();
    expect(utf16Or32Encoding(Buffer.from('version: 1'))).toBeUndefined();
  });
});
