/**
 * Reading the manifest file: bytes to text, with a clear error for a missing, oversized,
 * binary or non-UTF-8 file (never a crash, never a parse of 10 MB of garbage).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, InvalidInputError, VideogenError, type Diagnostic } from '../errors.js';
import { positionOfOffset } from './positions.js';
import { ManifestCode } from './problems.js';

/** Beyond this a "manifest" is a mistake or an attack; 10,000 shots take about 1.5 MB. */
export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

/** The file's text, or a clear error for a missing, oversized, binary or non-UTF-8 file. */
export async function readManifestText(file: string, absolute: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw notFound(file, `${file} is a directory, not a manifest file`);
    if (info.size > MAX_MANIFEST_BYTES) throw tooLarge(file, info.size);
    bytes = await readFile(absolute);
  } catch (error) {
    if (error instanceof VideogenError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`;
    throw notFound(file, `manifest ${file}: ${reason}`, error);
  }
  if (bytes.length > MAX_MANIFEST_BYTES) throw tooLarge(file, bytes.length);

  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const before = bytes.subarray(0, nul).toString('utf8');
    const position = positionOfOffset(before, before.length);
    throw binaryOrEncoding(file, position, 'the file contains NUL bytes: it looks binary, not a YAML manifest');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const lossy = bytes.toString('utf8');
    const position = positionOfOffset(lossy, Math.max(0, lossy.indexOf('\ufffd')));
    throw binaryOrEncoding(file, position, 'the file is not valid UTF-8 text');
  }
}

function notFound(file: string, message: string, cause?: unknown): VideogenError {
  return new VideogenError('VIDEOGEN_MANIFEST_NOT_FOUND', message, {
    exitCode: ExitCode.invalid,
    hint: `pass the manifest's path, or run \`videogen init\` to create ${path.basename(file) || 'shots.yaml'}`,
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

function binaryOrEncoding(file: string, position: { line: number; col: number }, message: string): InvalidInputError {
  const diagnostic: Diagnostic = {
    code: ManifestCode.syntax,
    file,
    ...position,
    path: '',
    message,
    hint: 'a manifest is YAML text saved as UTF-8',
  };
  return new InvalidInputError('VIDEOGEN_MANIFEST_INVALID', [diagnostic]);
}
