import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { JOURNAL_HEADER, journalFileFor, journalRecord, parseJournalText, replayJournal } from './journal.js';
import { readLock } from './read.js';
import type { Lock, LockEntry } from './types.js';
import { writeLock } from './write.js';
import { completedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';
import { useScratch } from '../../test/helpers/scratch.js';

const submitted = (id: string): LockEntry => submittedEntryFor(makeShot(id), `job-${id}`);
const record = (id: string, entry: LockEntry | undefined): string => journalRecord(id, entry && JSON.stringify(entry));

function rejection(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

describe('lock journal', () => {
  it('is named after the lock', () => {
    expect(journalFileFor('/p/shots.lock.yaml')).toBe('/p/shots.lock.journal');
    expect(journalFileFor('/p/campaign.lock.yml')).toBe('/p/campaign.lock.journal');
  });

  it('replays records in order, removals included, and replaying twice changes nothing', () => {
    const text = JOURNAL_HEADER + record('a', submitted('a')) + record('b', submitted('b')) + record('a', undefined);
    const journal = parseJournalText(text, 'j');
    const lock: Lock = { version: 1, shots: { a: completedEntryFor(makeShot('a')), c: submitted('c') } };
    const once = replayJournal(structuredClone(lock), journal);
    expect(once.shots).toEqual({ b: submitted('b'), c: submitted('c') });
    expect(replayJournal(structuredClone(once), journal)).toEqual(once);
  });

  it('ignores a torn last record (a crash mid-append), whatever was cut off', () => {
    const whole = JOURNAL_HEADER + record('a', submitted('a'));
    const torn = record('b', submitted('b'));
    for (const cut of [1, 20, torn.length - 1]) {
      const journal = parseJournalText(whole + torn.slice(0, cut), 'j');
      expect(journal.changes.map(([id]) => id)).toEqual(['a']);
      expect(journal.completeBytes).toBe(Buffer.byteLength(whole));
    }
    // A file the crash left zero-filled after the last record reads the same.
    expect(parseJournalText(`${whole}\0\0\0\0`, 'j').changes).toHaveLength(1);
    // Even the header may be torn: an empty journal.
    expect(parseJournalText(JOURNAL_HEADER.slice(0, 5), 'j').changes).toEqual([]);
  });

  it('reports damage in the middle with its line', () => {
    const text = `${JOURNAL_HEADER}${record('a', submitted('a'))}{"id":"b","ent\n${record('c', submitted('c'))}`;
    const error = rejection(() => parseJournalText(text, 'shots.lock.journal'));
    expect(error.code).toBe('VIDEOGEN_LOCK_INVALID');
    expect(error.diagnostics).toEqual([expect.objectContaining({ code: 'VIDEOGEN_LOCK_JOURNAL', file: 'shots.lock.journal', line: 3, col: 1 })]);
    expect(error.diagnostics[0]?.hint).toMatch(/move it aside/);
  });

  it('checks each entry as the lock reader would, and locates the problem', () => {
    const { output: _output, ...noOutput } = completedEntryFor(makeShot('a'));
    const text = `${JOURNAL_HEADER}${JSON.stringify({ id: 'a', entry: noOutput })}\n${JSON.stringify({ id: 'Bad..Id', entry: submitted('x') })}\n`;
    const error = rejection(() => parseJournalText(text, 'j'));
    expect(error.diagnostics.map((d) => [d.line, d.path])).toEqual([
      [2, 'a.output'],
      [3, 'Bad..Id'],
    ]);
    expect(error.diagnostics[0]?.message).toMatch(/completed.*no `output`/);
  });

  it('refuses a journal of another version or without its header', () => {
    expect(rejection(() => parseJournalText('{"videogen_lock_journal":2}\n', 'j')).diagnostics[0]?.message).toMatch(/newer videogen/);
    expect(rejection(() => parseJournalText(record('a', submitted('a')), 'j')).diagnostics[0]?.message).toMatch(/not a videogen journal header/);
  });

  describe('readLock', () => {
    const scratch = useScratch('videogen-journal-');
    let dir: string;
    beforeEach(() => {
      dir = scratch.dir;
    });

    it('replays the journal beside the lock, and a lock without one reads alone', async () => {
      const file = join(dir, 'shots.lock.yaml');
      await writeLock(file, { version: 1, shots: { a: submitted('a'), b: submitted('b') } });
      expect(Object.keys((await readLock(file)).shots)).toEqual(['a', 'b']);
      const done = completedEntryFor(makeShot('a'));
      await writeFile(journalFileFor(file), JOURNAL_HEADER + record('a', done) + record('b', undefined) + record('c', submitted('c')));
      expect((await readLock(file)).shots).toEqual({ a: done, c: submitted('c') });
    });

    it('reads a journal without a lock (a first apply that crashed)', async () => {
      const file = join(dir, 'shots.lock.yaml');
      await writeFile(journalFileFor(file), JOURNAL_HEADER + record('a', submitted('a')));
      expect((await readLock(file)).shots).toEqual({ a: submitted('a') });
    });

    it('writeLock folds the journal away: the lock it writes is the whole truth', async () => {
      const file = join(dir, 'shots.lock.yaml');
      await writeFile(journalFileFor(file), JOURNAL_HEADER + record('a', submitted('a')));
      await writeLock(file, { version: 1, shots: { b: submitted('b') } });
      expect(Object.keys((await readLock(file)).shots)).toEqual(['b']);
    });
  });
});
