/**
 * Reading the manifest file: bytes to text, with a clear error for a missing, oversized,
 * binary or non-UTF-8 file (never a crash, never a parse of 32 MB of garbage, never a hang
 * on a FIFO or a device such as /dev/zero).
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, InvalidInputError, UsageError, VideogenError, type Diagnostic } from '../errors.js';
import { positionOfOffset, type Position } from './positions.js';
import { ManifestCode } from './problems.js';

/**
 * Beyond this a "manifest" is a mistake or an attack. 10,000 shots take about 1.5 MB; the
 * limit leaves room for 100,000 shots with prompts of a couple of hundred characters.
 */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/** The file's text, or a clear error for a missing, oversized, binary or non-UTF-8 file. */
export async function readManifestText(file: string, absolute: string): Promise<string> {
  // path.resolve('') is the working directory: an empty argument would be read as "a directory".
  if (file.trim() === '') throw new UsageError('the manifest path is empty', 'pass the manifest file, or leave it out to use shots.yaml');
  let bytes: Buffer;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw notFound(file, `${file} is a directory, not a manifest file`, directoryHint(file));
    // A FIFO or a device (/dev/zero, /dev/stdin) has no size and may never end: refuse before reading.
    if (!info.isFile()) throw notFound(file, `${file} is not a regular file`, 'a manifest is a YAML file such as shots.yaml');
    if (info.size > MAX_MANIFEST_BYTES) throw tooLarge(file, info.size);
    bytes = await readAtMost(absolute, MAX_MANIFEST_BYTES + 1);
  } catch (error) {
    if (error instanceof VideogenError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`;
    throw notFound(file, `manifest ${file}: ${reason}`, undefined, error);
  }
  // The file grew between stat and read.
  if (bytes.length > MAX_MANIFEST_BYTES) throw tooLarge(file, bytes.length);

  const text = decodeUtf8(bytes, { keepBom: false });
  if (typeof text === 'string') return text;
  if (text.kind === 'utf16') throw binaryOrEncoding(file, text.position, `the file is ${text.encoding} text (it starts with a ${text.encoding} byte-order mark)`, 'save it as UTF-8');
  if (text.kind === 'nul') throw binaryOrEncoding(file, text.position, 'the file contains NUL bytes: it looks binary, not a YAML manifest');
  throw binaryOrEncoding(
    file,
    text.position,
    'the file is not valid UTF-8 text',
    'a manifest is YAML text saved as UTF-8 (this byte looks like Latin-1 or Windows-1252: re-save the file as UTF-8)',
  );
}

/** What keeps bytes from being UTF-8 text, and where; each caller words it for its kind of file. */
export type NotUtf8 = { position: Position } & ({ kind: 'utf16'; encoding: string } | { kind: 'nul' } | { kind: 'invalid' });

/**
 * The bytes as UTF-8 text, or why they are not: a UTF-16/32 byte-order mark, a NUL byte
 * (binary), or invalid UTF-8 (often Latin-1), at the first offending position. `keepBom`
 * leaves a UTF-8 byte-order mark in the text for the caller to see.
 */
export function decodeUtf8(bytes: Buffer, options: { keepBom: boolean }): string | NotUtf8 {
  const encoding = utf16Or32Encoding(bytes);
  if (encoding) return { kind: 'utf16', encoding, position: { line: 1, col: 1 } };
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const before = bytes.subarray(0, nul).toString('utf8');
    return { kind: 'nul', position: positionOfOffset(before, before.length) };
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.keepBom }).decode(bytes);
  } catch {
    const lossy = bytes.toString('utf8');
    return { kind: 'invalid', position: positionOfOffset(lossy, Math.max(0, lossy.indexOf('\ufffd'))) };
  }
}

/** Reads at most `limit` bytes, so a file that grows while it is read cannot exhaust memory. */
export async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limit - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** The name of a UTF-16/UTF-32 encoding whose byte-order mark starts the bytes (Windows editors save these). */
export function utf16Or32Encoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'UTF-32' : 'UTF-16';
  if (a === 0xfe && b === 0xff) return 'UTF-16';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32';
  return undefined;
}

function directoryHint(file: string): string {
  return `pass the manifest file inside it, such as ${path.join(file, 'shots.yaml')}`;
}

function notFound(file: string, message: string, hint?: string, cause?: unknown): VideogenError {
  return new VideogenError('VIDEOGEN_MANIFEST_NOT_FOUND', message, {
    exitCode: ExitCode.invalid,
    hint: hint ?? `pass the manifest's path, or run \`videogen init\` to create ${path.basename(file) || 'shots.yaml'}`,
    cause,
  });
}

function tooLarge(file: string, size: number): InvalidInputError {
  const diagnostic: Diagnostic = {
    code: ManifestCode.tooLarge,
    file,
    line: 0,
    col: 0,
    path: '',
    message: `the manifest is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`,
    hint: 'split the shots across several manifests',
  };
  return new InvalidInputError('VIDEOGEN_MANIFEST_INVALID', [diagnostic]);
}

function binaryOrEncoding(file: string, position: { line: number; col: number }, message: string, hint = 'a manifest is YAML text saved as UTF-8'): InvalidInputError {
  const diagnostic: Diagnostic = { code: ManifestCode.syntax, file, ...position, path: '', message, hint };
  return new InvalidInputError('VIDEOGEN_MANIFEST_INVALID', [diagnostic]);
}
