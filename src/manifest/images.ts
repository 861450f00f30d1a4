/**
 * reference_image / tail_image: an http(s) URL kept as written, or a local file that is
 * hashed by its bytes (so renaming a file regenerates nothing and editing it does).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { sniffImageMime } from '../util/image-type.js';
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
  // A backslash separates on Windows only, and a drive path exists on Windows only: either
  // would name a different file (or none) on the machine that runs CI.
  const portable = 'the same manifest must work on every OS';
  if (value.includes('\\')) return { kind: 'invalid', message: 'expected forward slashes (/) in the path', hint: portable };
  if (/^[a-z]:/i.test(value)) {
    return { kind: 'invalid', message: "expected a path relative to the manifest's directory, not a Windows drive path", hint: portable };
  }
  return { kind: 'file', path: path.resolve(dir, value) };
}

export type HashedImage =
  | { ok: true; image: Extract<ImageSource, { kind: 'file' }> }
  | LocalFileProblem
  | { ok: false; reason: 'too-large'; detail: string; bytes: number };

export interface HashImageOptions {
  /**
   * The manifest's directory. A local image must be inside it, also after following
   * symlinks: see ManifestCode.fileOutside for why.
   */
  root?: string;
  /** Per file, the most bytes any shot using it accepts: a bigger file is refused unread. */
  maxBytes?: ReadonlyMap<string, number>;
}

/** How many image files are read at once: a 10,000-shot manifest must not exhaust file handles. */
const HASH_CONCURRENCY = 16;

/** Hashes each distinct file once, a bounded number at a time. */
export async function hashImageFiles(files: Iterable<string>, options: HashImageOptions = {}): Promise<Map<string, HashedImage>> {
  const queue = [...new Set(files)];
  const results = new Map<string, HashedImage>();
  const realRoot = options.root === undefined ? undefined : await realRootOf(options.root);
  const worker = async (): Promise<void> => {
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      results.set(file, await hashImageFile(file, options.root, realRoot, options.maxBytes?.get(file)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, queue.length) }, worker));
  return results;
}

/** Whether `file` is `root` itself or below it (both absolute). */
export function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

/** Why a local file cannot be used, in words that fit after its name. */
export type LocalFileProblem = { ok: false; reason: 'missing' | 'directory' | 'not-a-file' | 'unreadable' | 'outside'; detail: string };

/**
 * The rule every local file a manifest names follows (images, data files): inside `root` (the
 * manifest's directory), also once symlinks are followed (see ManifestCode.fileOutside), and a
 * regular file. Returns its size, or why it cannot be used.
 */
export async function statInside(file: string, root: string | undefined, realRoot: string | undefined): Promise<{ ok: true; bytes: number } | LocalFileProblem> {
  if (root !== undefined && !isInside(path.resolve(root), file)) {
    return { ok: false, reason: 'outside', detail: "is outside the manifest's directory" };
  }
  let info;
  try {
    if (realRoot !== undefined) {
      // Judged by where it really is: a symlink inside the tree may point anywhere.
      const real = await realpath(file);
      if (!isInside(realRoot, real)) {
        return { ok: false, reason: 'outside', detail: `is a symlink to ${real}, outside the manifest's directory` };
      }
    }
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: 'no such file' };
    if (code === 'ELOOP') return { ok: false, reason: 'unreadable', detail: 'is a symlink loop' };
    return { ok: false, reason: 'unreadable', detail: code ?? 'cannot be read' };
  }
  if (info.isDirectory()) return { ok: false, reason: 'directory', detail: 'is a directory' };
  if (!info.isFile()) return { ok: false, reason: 'not-a-file', detail: 'is not a regular file' };
  return { ok: true, bytes: info.size };
}

/** The manifest's directory as it really is (symlinks followed), for statInside. */
export function realRootOf(root: string): Promise<string> {
  return realpath(root).catch(() => path.resolve(root));
}

async function hashImageFile(file: string, root: string | undefined, realRoot: string | undefined, maxBytes: number | undefined): Promise<HashedImage> {
  const found = await statInside(file, root, realRoot);
  if (!found.ok) return found;
  if (maxBytes !== undefined && found.bytes > maxBytes) {
    return { ok: false, reason: 'too-large', detail: `is ${formatMegabytes(found.bytes)}`, bytes: found.bytes };
  }
  try {
    // Streamed: an image may be tens of megabytes and is never held in memory here.
    const hash = createHash('sha256');
    let bytes = 0;
    let mime: ReturnType<typeof sniffImageMime>;
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      // The type is judged by the first bytes, as the APIs judge it (a `.png` that is a JPEG is common).
      if (bytes === 0) mime = sniffImageMime(chunk as Buffer);
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    const image: Extract<ImageSource, { kind: 'file' }> = { kind: 'file', path: file, sha256: hash.digest('hex'), bytes };
    if (mime !== undefined) image.mime = mime;
    return { ok: true, image };
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'cannot be read' };
  }
}

/** `33.0 MB` (binary megabytes, as the providers count them). */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
