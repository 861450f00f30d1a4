/**
 * Every broken manifest in the corpus, through the real CLI: exit 3, the expected codes at
 * the expected `file:line:col`, and nothing written beside it (in particular no lockfile).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { fixtureExpectations } from './helpers/fixture-expectations.js';
import { createWorkspace } from './helpers/workspace.js';

const BAD = join(REPO_ROOT, 'test', 'fixtures', 'manifests', 'bad');
const fixtures = readdirSync(BAD).filter((file) => file.endsWith('.yaml'));

describe('broken manifests through the CLI', () => {
  it('has a corpus of at least 25', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  // validate for every fixture; plan (the same loader behind another command) for a sample,
  // since each CLI run costs a Node start on a 2-core machine.
  const commandsFor = (index: number) => (index % 6 === 0 ? ['validate', 'plan'] : ['validate']);

  it.each(fixtures.map((file, index) => [file, index] as const))('%s exits 3 with its located errors and changes nothing', async (file, index) => {
    const ws = await createWorkspace();
    try {
      // Copy the whole fixture folder so relative reference images resolve as they do in the corpus.
      await cp(BAD, ws.dir, { recursive: true });
      const lockText = 'version: 1\nshots: {}\n';
      await ws.write(file.replace(/\.yaml$/, '.lock.yaml'), lockText);
      const before = (await ws.files()).sort();
      for (const command of commandsFor(index)) {
        const result = await runCli([command, file], { cwd: ws.dir });
        expect(result.code, result.stderr).toBe(3);
        for (const { code, file: dataFile, line, col } of fixtureExpectations(join(BAD, file))) {
          expect(result.stderr).toContain(`${dataFile ?? file}:${line}:${col}: ${code}`);
        }
        expect(result.stdout).toBe('');
      }
      expect((await ws.files()).sort()).toEqual(before);
      expect(await ws.read(file.replace(/\.yaml$/, '.lock.yaml'))).toBe(lockText);
    } finally {
      await ws.remove();
    }
  });
});
