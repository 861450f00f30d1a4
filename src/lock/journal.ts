/**
 * The lock journal (`shots.lock.journal` beside `shots.lock.yaml`): during apply, every change
 * to an entry is appended as one JSON line holding the whole new entry, so recording a
 * transition costs one small append instead of rewriting a lock of 10,000 entries. Readers
 * replay it over the lock, entry by entry; an entry in the journal replaces the lock's, so
 * replaying a journal the lock already contains (a crash between compaction's rename and the
 * journal's truncation) changes nothing. The lock writer (lock-writer.ts) appends and compacts.
 *
 * Format: a header line, then one record per line:
 *   {"videogen_lock_journal":1}
 *   {"id":"coastal-city","entry":{…whole entry…}}
 *   {"id":"old-shot","entry":null}        (the entry was removed)
 * A line counts once its newline is on disk: a last line without one is the tail of an append
 * a crash cut short, never acknowledged, and is ignored (the writer cuts it off before it
 * appends again). Anything else that is not a record is damage, reported with its line.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Diagnostic, InvalidInputError } from '../errors.js';
import type { Lock, LockEntry } from './types.js';
import { SUPPORTED_LOCK_VERSION, validateLockValue } from './validate.js';

export const JOURNAL_VERSION = 1;
export const JOURNAL_HEADER = `${JSON.stringify({ videogen_lock_journal: JOURNAL_VERSION })}\n`;

/** `shots.lock.yaml` → `shots.lock.journal`. */
export function journalFileFor(lockFile: string): string {
  return `${lockFile.replace(/\.ya?ml$/i, '')}.journal`;
}

/** One record, newline included, from the entry's JSON (or undefined: a removal). */
export function journalRecord(id: string, entryJson: string | undefined): string {
  return `{"id":${JSON.stringify(id)},"entry":${entryJson ?? 'null'}}\n`;
}

/** The changes a journal holds, in order, and how many of its bytes are whole lines. */
export interface JournalContents {
  changes: [id: string, entry: LockEntry | undefined][];
  /** Bytes up to and including the last newline: what a writer keeps before appending. */
  completeBytes: number;
}

/** The journal beside `lockFile`, or undefined when there is none. */
export async function readJournal(lockFile: string, maxBytes: number): Promise<JournalContents | undefined> {
  const file = journalFileFor(lockFile);
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw invalid([problem(file, 0, `${basename(file)} is not a regular file`)]);
    if (info.size > maxBytes) {
      const message = `${basename(file)} is ${(info.size / 1024 / 1024).toFixed(0)} MB; a journal is at most ${maxBytes / 1024 / 1024} MB`;
      throw invalid([problem(file, 0, message)]);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  return parseJournalText(text, file);
}

/** Parses journal text; `file` only labels diagnostics. */
export function parseJournalText(text: string, file: string): JournalContents {
  const end = text.lastIndexOf('\n') + 1;
  const changes: JournalContents['changes'] = [];
  const problems: Diagnostic[] = [];
  let line = 0;
  for (let start = 0; start < end; ) {
    const next = text.indexOf('\n', start);
    const content = text.slice(start, next);
    start = next + 1;
    line += 1;
    if (line === 1) {
      const version = headerVersion(content);
      if (version === JOURNAL_VERSION) continue;
      const message =
        typeof version === 'number' && version > JOURNAL_VERSION
          ? `journal version ${version} was written by a newer videogen; this one reads version ${JOURNAL_VERSION}`
          : 'the first line is not a videogen journal header';
      throw invalid([problem(file, 1, message, version === undefined ? undefined : 'upgrade videogen to read it')]);
    }
    const record = parseRecord(content);
    if (typeof record === 'string') {
      problems.push(problem(file, line, record));
      continue;
    }
    const [id, entry] = record;
    if (entry !== undefined) {
      const checked = validateLockValue({ version: SUPPORTED_LOCK_VERSION, shots: { [id]: entry } });
      if (!checked.ok) {
        for (const found of checked.problems) problems.push(problem(file, line, found.message, undefined, found.path.slice(1).join('.')));
        continue;
      }
    }
    changes.push([id, entry]);
  }
  if (problems.length > 0) throw invalid(problems);
  return { changes, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}

/** A new lock: `lock` with the journal's changes applied, in order (`lock` itself is left as it was). */
export function replayJournal(lock: Lock, journal: JournalContents): Lock {
  const shots = { ...lock.shots };
  for (const [id, entry] of journal.changes) {
    if (entry === undefined) delete shots[id];
    else shots[id] = entry;
  }
  return { ...lock, shots };
}

function headerVersion(content: string): number | undefined {
  try {
    const header: unknown = JSON.parse(content);
    const version = (header as { videogen_lock_journal?: unknown } | null)?.videogen_lock_journal;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** `[id, entry]`, or why the line is not a record. */
function parseRecord(content: string): [string, LockEntry | undefined] | string {
  let record: unknown;
  try {
    record = JSON.parse(content);
  } catch {
    return 'not a journal record (damaged, or edited by hand)';
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not a journal record: expected {"id": …, "entry": …}';
  const { id, entry } = record as { id?: unknown; entry?: unknown };
  if (typeof id !== 'string' || id === '') return 'not a journal record: `id` is not a shot id';
  if (entry === null) return [id, undefined];
  if (typeof entry !== 'object' || Array.isArray(entry) || entry === undefined) return `not a journal record: \`entry\` of ${JSON.stringify(id)} is not a mapping`;
  return [id, entry as LockEntry];
}

const RESTORE_HINT =
  'the journal holds what the last apply recorded after the lock was last written; move it aside to read the lock alone, then run `videogen plan`';

function problem(file: string, line: number, message: string, hint?: string, path = ''): Diagnostic {
  return { code: 'VIDEOGEN_LOCK_JOURNAL', file, line, col: line > 0 ? 1 : 0, path, message, hint: hint ?? RESTORE_HINT };
}

function invalid(diagnostics: Diagnostic[]): InvalidInputError {
  return new InvalidInputError('VIDEOGEN_LOCK_INVALID', diagnostics);
}
