import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureJournalIgnored } from './journal-ignore.js';
import { useScratch } from '../../test/helpers/scratch.js';

describe('ensureJournalIgnored', () => {
  const scratch = useScratch('videogen-ignore-');
  let dir: string;
  beforeEach(() => {
    dir = scratch.dir;
  });

  it('adds the rule to the .gitignore beside the manifest of a git work tree, once', async () => {
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'campaign'));
    await writeFile(join(dir, 'campaign', '.gitignore'), 'out/');
    const journal = join(dir, 'campaign', 'shots.lock.journal');
    await ensureJournalIgnored(journal);
    await ensureJournalIgnored(journal);
    expect(await readFile(join(dir, 'campaign', '.gitignore'), 'utf8')).toBe(
      "out/\n# videogen: apply's journal, folded into the lock when apply ends\n*.lock.journal\n",
    );
  });

  it('leaves a .gitignore that already ignores the journal alone', async () => {
    await mkdir(join(dir, '.git'));
    for (const rule of ['*.journal', '/shots.lock.journal']) {
      await writeFile(join(dir, '.gitignore'), `node_modules\n${rule}\n`);
      await ensureJournalIgnored(join(dir, 'shots.lock.journal'));
      expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(`node_modules\n${rule}\n`);
    }
  });

  it('counts a rule in a .gitignore higher up in the work tree', async () => {
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'examples'));
    await writeFile(join(dir, '.gitignore'), 'node_modules/\n*.lock.journal\n');
    await ensureJournalIgnored(join(dir, 'examples', 'quickstart.lock.journal'));
    await expect(readFile(join(dir, 'examples', '.gitignore'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes nothing outside a git work tree', async () => {
    await ensureJournalIgnored(join(dir, 'shots.lock.journal'));
    await expect(readFile(join(dir, '.gitignore'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
