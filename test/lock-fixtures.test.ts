import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLock } from '../src/lock/read.js';
import { formatDiagnostic, InvalidInputError } from '../src/errors.js';
import { fixtureExpectations } from './helpers/fixture-expectations.js';

const BAD_DIR = join(import.meta.dirname, 'fixtures', 'locks', 'bad');
const fixtures = readdirSync(BAD_DIR).filter((name) => name.endsWith('.yaml')).sort();

describe('corrupt and hand-edited lockfiles', () => {
  it('has a good number of cases', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures)('%s is rejected with its code and position', async (name) => {
    const file = join(BAD_DIR, name);
    const [expected] = fixtureExpectations(file);
    expect(expected?.code ?? '', 'first line must be "# expect: VIDEOGEN_LOCK_... LINE:COL"').toMatch(/^VIDEOGEN_LOCK_[A-Z]+$/);

    const error = await readLock(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(invalid.code).toBe('VIDEOGEN_LOCK_INVALID');
    expect(invalid.exitCode).toBe(3);
    const first = invalid.diagnostics[0]!;
    expect({ code: first.code, line: first.line, col: first.col }).toEqual(expected);
    for (const diagnostic of invalid.diagnostics) {
      expect(diagnostic.file).toBe(file);
      expect(diagnostic.line).toBeGreaterThan(0);
      expect(diagnostic.hint).toBeTruthy();
      expect(formatDiagnostic(diagnostic)).toContain(`${file}:${diagnostic.line}:${diagnostic.col}: ${diagnostic.code}`);
    }
  });
});
