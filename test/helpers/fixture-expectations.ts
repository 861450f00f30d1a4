/**
 * A broken fixture (a manifest or a lockfile) starts with one `# expect: CODE LINE:COL` line
 * per diagnostic it must produce. Every test that reads the corpus reads them here. A
 * diagnostic located in a data file the manifest reads names it, relative to the fixture:
 * `# expect: CODE data/leads.csv:LINE:COL`.
 */
import { readFileSync } from 'node:fs';

export interface ExpectedDiagnostic {
  code: string;
  /** The data file the diagnostic is in, relative to the fixture's folder; absent: the fixture itself. */
  file?: string;
  line: number;
  col: number;
}

const EXPECT_LINE = /^# expect: (VIDEOGEN_[A-Z_]+) (?:(\S+):)?(\d+):(\d+)$/;

/** The `# expect:` lines at the top of a fixture (read as latin1: some fixtures are not UTF-8 on purpose). */
export function fixtureExpectations(file: string): ExpectedDiagnostic[] {
  const expected: ExpectedDiagnostic[] = [];
  for (const line of readFileSync(file, 'latin1').split('\n')) {
    const match = EXPECT_LINE.exec(line);
    if (!match) break;
    const diagnostic: ExpectedDiagnostic = { code: match[1]!, line: Number(match[3]), col: Number(match[4]) };
    if (match[2] !== undefined) diagnostic.file = match[2];
    expected.push(diagnostic);
  }
  return expected;
}
