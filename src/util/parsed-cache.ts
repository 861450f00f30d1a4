/**
 * A file as parsed, cached by the sha256 of its content in `.videogen/` beside it
 * (src/util/videogen-dir.ts): `<file name>.parsed.json` is a header line (what it caches,
 * which videogen wrote it, the content's sha256), then the parsed value as JSON. Parsing
 * YAML is the slow part of reading a big manifest or lock; hashing the text and parsing JSON
 * takes a tenth of it, and `plan` runs far more often than either file changes.
 *
 * Only a cache: a missing, stale (another sha256, another videogen), corrupt or unwritable
 * one means parsing again. Its writer says when to write: commands do it once they have
 * succeeded, so a refused command changes nothing on disk.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { videogenVersion } from './version.js';
import { ensureVideogenDir, videogenDir } from './videogen-dir.js';

/** sha256 of content given whole, or as the pieces of its UTF-8 text. */
export function contentDigest(content: Uint8Array | string | Iterable<string>): string {
  const hash = createHash('sha256');
  if (content instanceof Uint8Array || typeof content === 'string') hash.update(content);
  else for (const piece of content) hash.update(piece);
  return hash.digest('hex');
}

export class ParsedCache {
  readonly #path: string;
  readonly #key: string;

  /**
   * @param file the file whose parsed form is cached
   * @param format what is cached, with a version (`parsed-lock/1`); another videogen may
   *   parse or validate differently, so its version is part of the key too
   */
  constructor(
    private readonly file: string,
    format: string,
  ) {
    this.#path = join(videogenDir(dirname(file)), `${basename(file)}.parsed.json`);
    this.#key = `${format} videogen/${packageVersion()}`;
  }

  /** The value cached for content whose sha256 is `digest`, or undefined. */
  async read(digest: string): Promise<unknown> {
    try {
      const text = await readFile(this.#path, 'utf8');
      const newline = text.indexOf('\n');
      if (newline === -1 || text.slice(0, newline) !== this.#header(digest)) return undefined;
      return JSON.parse(text.slice(newline + 1)) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Best effort, like every cache: a failure only means parsing again next time. */
  async save(digest: string, json: Iterable<string>): Promise<void> {
    try {
      await ensureVideogenDir(dirname(this.file));
      // Not durable: a torn or lost cache fails its header or JSON check and the file is parsed again.
      await writeFileAtomic(this.#path, prepend(`${this.#header(digest)}\n`, json), { durable: false });
    } catch {
      /* read-only checkout, full disk */
    }
  }

  #header(digest: string): string {
    return JSON.stringify({ key: this.#key, sha256: digest });
  }
}

function* prepend(first: string, rest: Iterable<string>): Generator<string> {
  yield first;
  yield* rest;
}

function packageVersion(): string {
  try {
    return videogenVersion();
  } catch {
    return 'unknown';
  }
}
