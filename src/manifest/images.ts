/**
 * reference_image / tail_image: an http(s) URL kept as written, or a local file that is
 * hashed by its bytes (so renaming a file regenerates nothing and editing it does).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageSource } from './types.js';

export type ImageReference =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string }
  | { kind: 'invalid'; message: string; hint?: string };

/** What an image field refers to, without touching the disk. */
export function classifyImage(value: string, dir: string): ImageReference {
  if (/^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.hostname === '') throw new Error('no host');
      return { kind: 'url', url: value };
    } catch {
      return { kind: 'invalid', message: 'expected an http(s) URL with a host, or a local file path' };
    }
  }
  // A scheme other than http(s) (data:, file:, s3:); `C:\…` is a Windows drive, not a scheme.
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    return {
      kind: 'invalid',
      message: 'expected a local file path or an http(s) URL',
      hint: value.toLowerCase().startsWith('data:')
        ? 'save the image to a file next to the manifest and give its path'
        : 'only http and https URLs are fetched',
    };
  }
  if (value.includes('\0')) return { kind: 'invalid', message: 'expected a file path without NUL characters' };
  return { kind: 'file', path: path.resolve(dir, value) };
}

export type HashedImage =
  | { ok: true; image: Extract<ImageSource, { kind: 'file' }> }
  | { ok: false; reason: 'missing' | 'directory' | 'not-a-file' | 'unreadable'; detail: string };

/** How many image files are read at once: a 10,000-shot manifest must not exhaust file handles. */
const HASH_CONCURRENCY = 16;

/** Hashes each distinct file once, a bounded number at a time. */
export async function hashImageFiles(files: Iterable<string>): Promise<Map<string, HashedImage>> {
  const queue = [...new Set(files)];
  const results = new Map<string, HashedImage>();
  const worker = async (): Promise<void> => {
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      results.set(file, await hashImageFile(file));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, queue.length) }, worker));
  return results;
}

async function hashImageFile(file: string): Promise<HashedImage> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: 'no such file' };
    return { ok: false, reason: 'unreadable', detail: code ?? 'cannot be read' };
  }
  if (info.isDirectory()) return { ok: false, reason: 'directory', detail: 'is a directory' };
  if (!info.isFile()) return { ok: false, reason: 'not-a-file', detail: 'is not a regular file' };
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { ok: true, image: { kind: 'file', path: file, sha256: hash.digest('hex'), bytes } };
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'cannot be read' };
  }
}
