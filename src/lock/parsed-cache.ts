/**
 * The parsed lock, cached by the sha256 of the lock's bytes in `.videogen/` beside it
 * (src/util/videogen-dir.ts): `<lock name>.parsed.json` is a header line, then the Lock as
 * JSON, already validated. A lock of 100,000 entries (60 MB of YAML) takes seconds to load
 * and check; hashing it and parsing the JSON takes a tenth of that. `plan` runs far more
 * often than the lock changes. A command that parsed the YAML writes the cache once it has
 * succeeded (a refused command changes nothing on disk), and apply writes it with the lock.
 *
 * Only a cache: a missing, stale (another sha256, another videogen), corrupt or unwritable
 * one means parsing the YAML again.
 */
import { videogenVersion } from '../util/version.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ensureVideogenDir, videogenDir } from '../util/videogen-dir.js';
import type { Lock } from './types.js';

/** Another videogen may validate differently, so a cache written by it is not trusted. */
const KEY_PREFIX = `parsed-lock/1 videogen/${packageVersion()}`;

/** sha256 of the lock's bytes, given whole or as the pieces of its UTF-8 text. */
export function lockDigest(content: Uint8Array | Iterable<string>): string {
  const hash = createHash('sha256');
  if (content instanceof Uint8Array) hash.update(content);
  else for (const piece of content) hash.update(piece);
  return hash.digest('hex');
}

/** The Lock cached for a lock whose bytes hash to `digest`, or undefined. */
export async function readCachedLock(lockFile: string, digest: string): Promise<Lock | undefined> {
  try {
    const text = await readFile(cachePath(lockFile), 'utf8');
    const newline = text.indexOf('\n');
    if (newline === -1 || text.slice(0, newline) !== header(digest)) return undefined;
    const lock = JSON.parse(text.slice(newline + 1)) as Lock;
    return typeof lock === 'object' && lock !== null && lock.version === 1 && typeof lock.shots === 'object' ? lock : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Best effort, like every cache: a failure only means parsing again next time. `lock` may
 * come as its JSON already, in pieces.
 */
export async function saveCachedLock(lockFile: string, digest: string, lock: Lock | Iterable<string>): Promise<void> {
  try {
    const json = isLock(lock) ? [JSON.stringify(lock)] : lock;
    await ensureVideogenDir(dirname(lockFile));
    // Not durable: a torn or lost cache fails its header or JSON check and the lock is parsed again.
    await writeFileAtomic(cachePath(lockFile), prepend(`${header(digest)}\n`, json), { durable: false });
  } catch {
    /* read-only checkout, full disk */
  }
}

function isLock(value: Lock | Iterable<string>): value is Lock {
  return typeof value === 'object' && value !== null && 'shots' in value;
}

function* prepend(first: string, rest: Iterable<string>): Generator<string> {
  yield first;
  yield* rest;
}

function header(digest: string): string {
  return JSON.stringify({ key: KEY_PREFIX, sha256: digest });
}

function cachePath(lockFile: string): string {
  return join(videogenDir(dirname(lockFile)), `${basename(lockFile)}.parsed.json`);
}

function packageVersion(): string {
  try {
    return videogenVersion();
  } catch {
    return 'unknown';
  }
}
