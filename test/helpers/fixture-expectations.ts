/**
 * A broken fixture (a manifest or a lockfile) starts with one `# expect: CODE LINE:COL` line
 * per diagnostic it must produce. Every test that reads the corpus reads them here.
 */
import { readFileSync } from 'node:fs';

export interface ExpectedDiagnostic {
  code: string;
  line: number;
  col: number;
}

const EXPECT_LINE = /^# expect: (VIDEOGEN_[A-Z_]+) (\d+):(\d+)$/;

/** The `# expect:` lines at the top of a fixture (read as latin1: some fixtures are not UTF-8 on purpose). */
export function fixtureExpectations(file: string): ExpectedDiagnostic[] {
  const expected: ExpectedDiagnostic[] = [];
  for (const line of readFileSync(file, 'latin1').split('\n')) {
    const match = EXPECT_LINE.exec(line);
    if (!match) break;
    expected.push({ code: match[1]!, line: Number(match[2]), col: Number(match[3]) });
  }
  return expected;
}
