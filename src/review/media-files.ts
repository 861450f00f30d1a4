/**
 * Which video files the review may show. Only files the lock names (current outputs) or the
 * local cache holds (previous outputs, by sha256), and only while their real path, symlinks
 * resolved, stays inside the output directory or the cache: a hand-edited lock that points
 * at `../../.ssh/id_rsa` or a symlink out of `out/` shows nothing.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';

/** A video the review may serve or link to, by the sha256 of its bytes. */
export interface MediaFile {
  sha256: string;
  /** Absolute path as the lock (or the cache layout) names it. */
  file: string;
  /** The folder it must stay inside once symlinks are resolved. */
  root: string;
  bytes: number;
}

/**
 * Where the local cache keeps an output: `.videogen/cache/sha256/<first two hex>/<sha256>.mp4`
 * beside the manifest (DESIGN.md "Storage and reuse"), filled by apply. A replaced take survives
 * there after its output path holds the new one, which is what lets a card show both.
 */
export function cachedOutputFile(manifestDir: string, sha256: string): string {
  return join(cacheRoot(manifestDir), sha256.slice(0, 2), `${sha256}.mp4`);
}

export function cacheRoot(manifestDir: string): string {
  return join(manifestDir, '.videogen', 'cache', 'sha256');
}

/**
 * The file's real path when it is a regular file whose real path lies inside `root`'s real
 * path; undefined otherwise (missing, a directory, or outside through `..` or a symlink).
 */
export async function realFileInside(root: string, file: string): Promise<string | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!isInside(realRoot, realFile)) return undefined;
    return (await stat(realFile)).isFile() ? realFile : undefined;
  } catch {
    return undefined;
  }
}

/** Lexically inside (or equal to a file below) `root`; both absolute. */
export function isInside(root: string, file: string): boolean {
  const rel = relative(resolve(root), resolve(file));
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
