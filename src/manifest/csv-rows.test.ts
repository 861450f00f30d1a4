import { describe, expect, it } from 'vitest';
import { csvRows } from './csv-rows.js';
import { jsonlRows } from './jsonl-rows.js';

const at = ['shots', 0, 'from'];

describe('the row limit', () => {
  it('refuses a CSV past it, blank lines or not, rather than drop rows unseen', () => {
    const csv = (text: string) => csvRows(Buffer.from(text), 'leads.csv', at, 3);
    expect(csv('slug\na\nb\nc\n').source?.rowCount).toBe(3);
    expect(csv('slug\na\nb\nc\nd\n').problems.map((p) => p.code)).toEqual(['VIDEOGEN_MANIFEST_TOO_MANY_SHOTS']);
    const blanks = csv('slug\na\n\n\nb\nc\nd\n');
    expect(blanks.source).toBeUndefined();
    expect(blanks.problems.map((p) => p.code)).toEqual(['VIDEOGEN_MANIFEST_TOO_MANY_SHOTS']);
  });

  it('refuses a JSONL file past it, not counting blank lines', () => {
    const jsonl = (text: string) => jsonlRows(text, 'leads.jsonl', at, 2);
    expect(jsonl('{"a":1}\n\n\n{"a":2}\n').source?.rowCount).toBe(2);
    expect(jsonl('{"a":1}\n{"a":2}\n{"a":3}\n').problems.map((p) => p.code)).toEqual(['VIDEOGEN_MANIFEST_TOO_MANY_SHOTS']);
  });
});

describe('positions in a CSV file', () => {
  it('are found for any row and column, also after a syntax error', () => {
    const read = csvRows(Buffer.from('slug,name\n"a",Ada\n\nb,"B\nob"\nc,Cy\n'), 'leads.csv', at, 10);
    const source = read.source!;
    expect(source.rowCount).toBe(3);
    expect([0, 1, 2].map((row) => source.locate(row, 'name'))).toEqual([
      { file: 'leads.csv', position: { line: 2, col: 5 } },
      { file: 'leads.csv', position: { line: 4, col: 3 } },
      { file: 'leads.csv', position: { line: 6, col: 3 } },
    ]);
    expect(source.describe(2)).toBe('leads.csv:6');
    const broken = csvRows(Buffer.from('slug,name\na,Ada\nb,"Bob\n'), 'leads.csv', at, 10);
    expect(broken.problems.map((p) => [p.code, p.position])).toEqual([['VIDEOGEN_DATA_SYNTAX', { line: 3, col: 1 }]]);
  });
});
