import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { useScratch } from '../../test/helpers/scratch.js';
import { parseReviewText, readReview, reviewFileFor, serializeReview, verdictsBySha, writeReview } from './review-file.js';
import type { Review } from './types.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_1 = `${'1'.repeat(63)}e`;

const review: Review = {
  version: 1,
  verdicts: {
    [SHA_B]: { at: '2026-12-01T10:05:00Z', shot: 'hero', verdict: 'rejected' },
    [SHA_1]: { verdict: 'approved', shot: '123', at: '2026-12-01T10:00:00Z' },
    [SHA_A]: { verdict: 'approved', shot: 'coastal-city', at: '2026-12-01T10:01:00Z' },
  },
};

function problemsOf(text: string): string[] {
  try {
    parseReviewText(text, 'shots.review.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.path}: ${d.message}`);
    throw error;
  }
  throw new Error('expected the text to be refused');
}

describe('the review file', () => {
  const scratch = useScratch('videogen-review-file-');

  it('is named after the manifest, as the lock is', () => {
    expect(reviewFileFor('/p/shots.lock.yaml')).toBe('/p/shots.review.yaml');
    expect(reviewFileFor('/p/campaign.lock.yaml')).toBe('/p/campaign.review.yaml');
  });

  it('writes outputs sorted and fields in a fixed order, and reads back what it wrote', () => {
    const text = serializeReview(review);
    expect(text).toBe(
      [
        '# videogen review: verdicts by output sha256, written by `videogen review`; commit it with the manifest',
        'version: 1',
        'verdicts:',
        `  ${SHA_1}:`,
        '    verdict: approved',
        '    shot: "123"',
        '    at: "2026-12-01T10:00:00Z"',
        `  ${SHA_A}:`,
        '    verdict: approved',
        '    shot: coastal-city',
        '    at: "2026-12-01T10:01:00Z"',
        `  ${SHA_B}:`,
        '    verdict: rejected',
        '    shot: hero',
        '    at: "2026-12-01T10:05:00Z"',
        '',
      ].join('\n'),
    );
    expect(parseReviewText(text, 'shots.review.yaml')).toEqual(review);
    expect(serializeReview({ version: 1, verdicts: {} })).toMatch(/\nverdicts: \{\}\n$/);
  });

  it('reads a missing file as no verdicts, and skips a write that changes no byte', async () => {
    const file = path.join(scratch.dir, 'shots.review.yaml');
    expect(await readReview(file)).toEqual({ version: 1, verdicts: {} });
    expect(await writeReview(file, review)).toBe(true);
    expect(await readReview(file)).toEqual(review);
    expect(await writeReview(file, review, await readReview(file))).toBe(false);
  });

  it('hands the planner each verdict by sha256', () => {
    expect(verdictsBySha(review)).toEqual(new Map([[SHA_B, 'rejected'], [SHA_1, 'approved'], [SHA_A, 'approved']]));
  });

  it('names file:line:col and the field of every problem', () => {
    const text = [
      'version: 1',
      'verdicts:',
      `  ${SHA_A}:`,
      '    verdict: maybe',
      '    shot: hero',
      '    at: yesterday',
      '    note: blurry',
      '  not-a-sha:',
      '    verdict: approved',
      '    shot: hero',
      '    at: "2026-12-01T10:00:00Z"',
      `  ${SHA_B}:`,
      '    verdict: approved',
      '',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^4:14 VIDEOGEN_REVIEW_SCHEMA verdicts\\.${SHA_A}\\.verdict: invalid option`)),
        expect.stringMatching(new RegExp(`^6:9 VIDEOGEN_REVIEW_SCHEMA verdicts\\.${SHA_A}\\.at: invalid ISO datetime`)),
        `7:5 VIDEOGEN_REVIEW_SCHEMA verdicts.${SHA_A}.note: unknown key \`note\`; expected one of: verdict, shot, at`,
        expect.stringMatching(/^8:3 VIDEOGEN_REVIEW_SCHEMA verdicts\.not-a-sha: "not-a-sha" is not an output: expected an output sha256/),
        // A missing field is shown at the mapping that lacks it.
        `13:5 VIDEOGEN_REVIEW_SCHEMA verdicts.${SHA_B}.shot: missing required field \`shot\``,
      ]),
    );
  });

  it('locates YAML syntax errors and refuses other versions and empty files', () => {
    expect(problemsOf('version: 1\nverdicts:\n  a: 1\n  a: 2\n')).toEqual([expect.stringMatching(/^4:3 VIDEOGEN_REVIEW_SYNTAX : duplicated mapping key/)]);
    expect(problemsOf('version: 2\nverdicts: {}\n')).toEqual(['1:10 VIDEOGEN_REVIEW_VERSION version: unknown review file version 2; this videogen reads version 1']);
    expect(problemsOf('')).toEqual(['1:1 VIDEOGEN_REVIEW_SCHEMA : the review file is empty']);
    expect(problemsOf('x: &a [1]\ny: *a\n')).toEqual([expect.stringMatching(/VIDEOGEN_REVIEW_SYNTAX/)]);
  });

  it('leaves a file it cannot read as it found it', async () => {
    const file = path.join(scratch.dir, 'shots.review.yaml');
    const broken = 'version: 1\nverdicts:\n  abc: {}\n';
    await writeFile(file, broken);
    await expect(readReview(file)).rejects.toThrow(InvalidInputError);
    expect(await readFile(file, 'utf8')).toBe(broken);
  });
});
