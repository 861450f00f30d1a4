/**
 * Reading `shots.lock.yaml`, and the journal beside it when an apply left one (journal.ts):
 * every command reads the lock through readLock, so plan, status, validate and apply all see
 * what the last apply recorded. A missing lock is an empty one; anything else that is not a
 * valid lock stops the run with every problem located (`file:line:col`, field path): a lock
 * that was silently "repaired" could make videogen pay for shots it already has.
 *
 * js-yaml reads the lock (src/util/yaml-load.ts); only when it refuses the text or the value
 * is not a valid lock is it parsed again with `yaml`, whose nodes carry the positions every
 * problem is reported at. A lock read before is not parsed again (parsed-cache.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Document } from 'yaml';
import { yamlLibrary } from '../util/lazy-libraries.js';
import { type Diagnostic, InvalidInputError } from '../errors.js';
import { loadYamlFast } from '../util/yaml-load.js';
import { readJournal, replayJournal } from './journal.js';
import { lockDigest, readCachedLock, saveCachedLock } from './parsed-cache.js';
import { emptyLock, type Lock } from './types.js';
import { type LockProblem, validateLockValue } from './validate.js';

/** Far beyond any real lock (100,000 shots take about 60 MB); refuses to load something else by mistake. The journal has the same limit. */
export const MAX_LOCK_BYTES = 100 * 1024 * 1024;
/** Anchors/aliases are never written by videogen; a few are tolerated, an alias bomb is not. */
const MAX_ALIAS_COUNT = 100;

/** The lock with the journal beside it (if any) replayed over it. */
export async function readLock(file: string): Promise<Lock> {
  return (await readLockAndCache(file)).lock;
}

/** A lock read, and how to cache what was parsed (a no-op when it came from the cache, or there is none). */
export interface LockReading {
  lock: Lock;
  /** Writes the parsed-lock cache; commands call it once they succeed, so a refused command writes nothing. */
  saveCache(): Promise<void>;
}

/** readLock, for a command that caches what it parsed once it has done its work. */
export async function readLockAndCache(file: string): Promise<LockReading> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await identity(file);
    const { lock, saveCache } = await readLockFileAndCache(file);
    const journal = await readJournal(file, MAX_LOCK_BYTES);
    // A compaction renames a new lock into place, then replaces the journal: a reader that got
    // the old lock and the new journal missed what lies between them, and reads again.
    if (attempt === MAX_READ_ATTEMPTS || (await identity(file)) === before) {
      return { lock: journal ? replayJournal(lock, journal) : lock, saveCache };
    }
  }
}

const MAX_READ_ATTEMPTS = 5;

/** Which file is at `file` now: a rename puts another inode there. */
async function identity(file: string): Promise<string> {
  const info = await stat(file, { bigint: true }).catch(() => undefined);
  return info === undefined ? 'none' : `${info.ino}:${info.mtimeNs}`;
}

/** The lock file alone, without its journal. */
export async function readLockFile(file: string): Promise<Lock> {
  return (await readLockFileAndCache(file)).lock;
}

const NOTHING_TO_SAVE = (): Promise<void> => Promise.resolve();

async function readLockFileAndCache(file: string): Promise<LockReading> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw invalid([syntaxProblem(file, 'is a directory, not a lockfile')]);
    // A FIFO or a device never ends (or blocks forever): refuse it before reading.
    if (!info.isFile()) throw invalid([syntaxProblem(file, 'is not a regular file')]);
    if (info.size > MAX_LOCK_BYTES) {
      const mb = (info.size / 1024 / 1024).toFixed(0);
      throw invalid([syntaxProblem(file, `is ${mb} MB; a lockfile is at most ${MAX_LOCK_BYTES / 1024 / 1024} MB`)]);
    }
    bytes = await readFile(file);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return { lock: emptyLock(), saveCache: NOTHING_TO_SAVE };
    throw error;
  }
  const digest = lockDigest(bytes);
  const cached = await readCachedLock(file, digest);
  if (cached) return { lock: cached, saveCache: NOTHING_TO_SAVE };
  const lock = parseLockText(decodeLockBytes(bytes, file), file);
  return { lock, saveCache: () => saveCachedLock(file, digest, lock) };
}

/** UTF-8 text, or a located error for a UTF-16 file, binary bytes or another encoding. */
function decodeLockBytes(bytes: Buffer, file: string): string {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (bom) throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', 1, 1, '', `${basename(file)} is UTF-16 text; videogen writes it as UTF-8`)]);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, col } = positionOf(bytes.subarray(0, nul).toString('utf8'));
    throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', line, col, '', `${basename(file)} contains NUL bytes: it looks binary, not a lockfile`)]);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = bytes.toString('utf8');
    const { line, col } = positionOf(lossy.slice(0, Math.max(0, lossy.indexOf('\ufffd'))));
    throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', line, col, '', `${basename(file)} is not valid UTF-8 text`)]);
  }
}

/** 1-based line and column just after `before`. */
function positionOf(before: string): { line: number; col: number } {
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line += 1;
  return { line, col: before.length - lastNewline };
}

/** Parses and validates lock text; `file` only labels diagnostics. */
export function parseLockText(text: string, file: string): Lock {
  // Git may check the lock out with CRLF line ends; they mean the same YAML.
  const normalized = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  const fast = loadYamlFast(normalized);
  if (fast !== undefined) {
    const result = validateLockValue(fast.value);
    if (result.ok) return result.lock;
  }
  try {
    return parseWithPositions(text, file);
  } catch (error) {
    // Pathological nesting can exhaust the stack in the parser or the validator.
    if (error instanceof RangeError) throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', 1, 1, '', TOO_DEEP)]);
    throw error;
  }
}

const TOO_DEEP = 'the YAML nests too deeply to read: a lockfile is at most a few levels deep';

function parseWithPositions(text: string, file: string): Lock {
  const conflict = mergeConflictProblem(text, file);
  if (conflict) throw invalid([conflict]);

  const { LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2', strict: true });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);

  const seenLines = new Set<number>();
  const yamlProblems: Diagnostic[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = at(error.pos[0]);
    // One mistake (a bad indent) makes the parser report several on the same line: keep the first.
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    if (error.code === 'DUPLICATE_KEY') {
      const key = keyTextAt(text, error.pos[0]);
      const message = `key ${key} appears more than once in the same mapping`;
      const hint = `keep one of them (a bad merge?), or restore the file from git (\`git checkout -- ${basename(file)}\`)`;
      yamlProblems.push(diagnostic(file, 'VIDEOGEN_LOCK_CONTRADICTION', line, col, '', message, hint));
    } else {
      yamlProblems.push(diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', line, col, '', firstLine(error.message)));
    }
  }
  if (yamlProblems.length > 0) throw invalid(yamlProblems);
  if (doc.contents === null) {
    throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SCHEMA', 1, 1, '', 'the lockfile is empty', 'delete it to start over, or restore it from git')]);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses alias bombs here (ReferenceError); videogen never writes aliases.
    const message = error instanceof ReferenceError ? 'too many aliases (*name): a lockfile has none' : firstLine(String(error));
    throw invalid([diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', 1, 1, '', message)]);
  }

  const problems = [...nonStringIds(doc, text)];
  const result = validateLockValue(value);
  if (!result.ok) problems.push(...result.problems);
  if (result.ok && problems.length === 0) return result.lock;
  throw invalid(
    problems.map((problem) => {
      const { line, col } = at(locate(doc, problem.locateAt ?? problem.path, problem.at));
      return diagnostic(file, problem.code, line, col, formatPath(problem.path), problem.message, problem.hint ?? restoreHint(file));
    }),
  );
}

/** `123:` is the number 123 to YAML; as a shot id it must be written as a string. */
function nonStringIds(doc: Document, text: string): LockProblem[] {
  const { isMap, isScalar } = yamlLibrary();
  const shots = isMap(doc.contents) ? doc.contents.get('shots', true) : undefined;
  if (!isMap(shots)) return [];
  const problems: LockProblem[] = [];
  for (const pair of shots.items) {
    if (isScalar(pair.key) && typeof pair.key.value !== 'string') {
      const value = pair.key.value;
      // As written (`1e5`), not as YAML read it (100000).
      const written = pair.key.range ? text.slice(pair.key.range[0], pair.key.range[1]).trim() : String(value);
      problems.push({
        code: 'VIDEOGEN_LOCK_SCHEMA',
        path: ['shots', written],
        locateAt: ['shots', String(value)],
        at: 'key',
        message: `shot id ${written} is read as a ${value === null ? 'null' : typeof value}, not a string`,
        hint: `quote it: "${written}"`,
      });
    }
  }
  return problems;
}

function mergeConflictProblem(text: string, file: string): Diagnostic | undefined {
  const match = /^(?:<{7}|={7}|>{7})(?: |$)/m.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split('\n').length;
  return diagnostic(
    file,
    'VIDEOGEN_LOCK_SYNTAX',
    line,
    1,
    '',
    'unresolved git merge conflict',
    'keep one side of each conflicting entry (either is valid; `videogen plan` then shows what is out of date), or restore it from git',
  );
}

/** Offset of the node `path` names; for a missing field, of the key of the mapping that lacks it. */
function locate(doc: Document, path: readonly (string | number)[], at: 'key' | 'value'): number {
  const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i += 1) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return best;
      const keyStart = rangeStart(pair.key) ?? best;
      if (last) return at === 'key' ? keyStart : (rangeStart(pair.value) ?? keyStart);
      best = keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      const itemStart = rangeStart(item);
      if (itemStart === undefined) return best;
      if (last) return itemStart;
      best = itemStart;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: [number, number, number] | null }).range;
  return range ? range[0] : undefined;
}

/** `shots.coastal-city.output`; a segment that itself holds a dot is bracketed so the path stays readable. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (segment.includes('.') || segment === '') out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** The key starting at `offset`, as written (`coastal-city`, `"123"`). */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, text.indexOf('\n', offset) === -1 ? undefined : text.indexOf('\n', offset));
  const match = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#]*?)\s*:(?:\s|$)/.exec(rest);
  const key = match?.[1] ?? rest.trim();
  return key.startsWith('"') || key.startsWith("'") ? key : `\`${key}\``;
}

function restoreHint(file: string): string {
  return `restore it from git (\`git checkout -- ${basename(file)}\`) or fix the entry`;
}

function diagnostic(file: string, code: string, line: number, col: number, path: string, message: string, hint?: string): Diagnostic {
  return { code, file, line, col, path, message, hint: hint ?? restoreHint(file) };
}

function syntaxProblem(file: string, what: string): Diagnostic {
  return diagnostic(file, 'VIDEOGEN_LOCK_SYNTAX', 0, 0, '', `${basename(file)} ${what}`);
}

function invalid(diagnostics: Diagnostic[]): InvalidInputError {
  return new InvalidInputError('VIDEOGEN_LOCK_INVALID', diagnostics);
}

function firstLine(message: string): string {
  if (/Maximum call stack/.test(message)) return TOO_DEEP;
  return message.split('\n')[0] ?? message;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
