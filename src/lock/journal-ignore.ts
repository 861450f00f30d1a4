/**
 * Keeps the lock journal out of git. apply adds one rule, `*.lock.journal`, to the
 * `.gitignore` beside the manifest, and only when the manifest is inside a git work tree and
 * no `.gitignore` between the manifest and the top of the work tree already ignores it.
 *
 * Why this way: the journal sits beside the lock (DESIGN.md "Lockfile and journal"), not in
 * `.videogen/`, which ignores itself with its own `.gitignore` (src/plan/hash-cache.ts). A
 * rule in the `.gitignore` the team already commits is visible and reviewable once, where
 * `.git/info/exclude` would be invisible and lost on the next clone. Outside a git work tree
 * there is nothing to protect, so no file appears. Usually the journal is gone anyway: apply
 * folds it into the lock when it ends; the rule matters after a crash, or during a run.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectorySync } from '../util/atomic-write.js';

export const JOURNAL_IGNORE_RULE = '*.lock.journal';

/** Best effort: a `.gitignore` that cannot be written (a read-only checkout) never stops apply. */
export async function ensureJournalIgnored(journalFile: string): Promise<void> {
  const dir = dirname(journalFile);
  const top = await gitWorkTreeTop(dir);
  if (top === undefined || (await ignoredAbove(dir, top, basename(journalFile)))) return;
  const file = join(dir, '.gitignore');
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== undefined && ignoresJournal(current, basename(journalFile), true)) return;
  const separator = current === undefined || current === '' || current.endsWith('\n') ? '' : '\n';
  const addition = `${separator}# videogen: apply's journal, folded into the lock when apply ends\n${JOURNAL_IGNORE_RULE}\n`;
  try {
    const fd = openSync(file, 'a');
    try {
      writeSync(fd, addition);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (current === undefined) syncDirectorySync(dir);
  } catch {
    /* read-only checkout: the journal is folded into the lock at the end of apply anyway */
  }
}

/**
 * A line that already ignores the journal: our rule, `*.journal`, or its own name. A rule with
 * a leading slash only counts in the manifest's own directory (`beside`).
 */
function ignoresJournal(gitignore: string, name: string, beside: boolean): boolean {
  const anywhere = [JOURNAL_IGNORE_RULE, '*.journal', name];
  const accepted = new Set(beside ? [...anywhere, ...anywhere.map((rule) => `/${rule}`)] : anywhere);
  return gitignore.split(/\r?\n/).some((line) => accepted.has(line.trim()));
}

/** Whether a `.gitignore` above the manifest's directory, up to the work tree's top, ignores the journal. */
async function ignoredAbove(dir: string, top: string, name: string): Promise<boolean> {
  for (let current = dir; current !== top; ) {
    current = dirname(current);
    const gitignore = await readFile(join(current, '.gitignore'), 'utf8').catch(() => '');
    if (ignoresJournal(gitignore, name, false)) return true;
  }
  return false;
}

/** The top of the git work tree holding `start`, or undefined outside one. */
async function gitWorkTreeTop(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    if (await stat(join(dir, '.git')).then(() => true, () => false)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
