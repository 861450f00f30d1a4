/**
 * `shots.review.yaml`: the reviewers' verdicts, beside the manifest and committed with it.
 * Deterministic like the lock (a fixed key order, outputs sorted by sha256, written through
 * temp file + rename), so two reviews of the same takes give the same bytes and a git diff
 * shows only verdicts that changed. Read with js-yaml; the `yaml` library is only asked
 * where a problem sits once there is one (DESIGN.md "Lockfile and journal").
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { dump, load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { type Diagnostic, InvalidInputError } from '../errors.js';
import { formatPath, SourceLocator, type PathSegment, type PositionTarget } from '../manifest/positions.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { compareOrdinal } from '../util/compare.js';
import { ReviewSchema, VERDICT_KEYS } from './review-schema.js';
import { emptyReview, type Review, type Verdict, type VerdictRecord } from './types.js';

export const REVIEW_HEADER = '# videogen review: verdicts by output sha256, written by `videogen review`; commit it with the manifest';

/** Thousands of verdicts take a few hundred kilobytes; anything near this is not a review file. */
const MAX_REVIEW_BYTES = 20 * 1024 * 1024;

/**
 * Named after the manifest as the lock is (`campaign.yaml` → `campaign.review.yaml`), derived
 * from the lock's path so the two can never disagree about the manifest's stem.
 */
export function reviewFileFor(lockFile: string): string {
  return lockFile.replace(/\.lock\.yaml$/, '.review.yaml');
}

/** A missing file is an empty review; anything that is not a valid one stops with located problems. */
export async function readReview(file: string): Promise<Review> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw invalid([diagnostic(file, 'VIDEOGEN_REVIEW_SYNTAX', 0, 0, [], `${basename(file)} is not a regular file`)]);
    if (info.size > MAX_REVIEW_BYTES) {
      throw invalid([diagnostic(file, 'VIDEOGEN_REVIEW_SYNTAX', 0, 0, [], `${basename(file)} is ${Math.round(info.size / 1024 / 1024)} MB; a review file is far smaller`)]);
    }
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyReview();
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid([diagnostic(file, 'VIDEOGEN_REVIEW_SYNTAX', 1, 1, [], `${basename(file)} is not UTF-8 text`)]);
  }
  return parseReviewText(text, file);
}

/** Parses and validates review text; `file` only labels diagnostics. */
export function parseReviewText(text: string, file: string): Review {
  if (text.split('\n').every((line) => /^\s*(?:#.*)?$/.test(line))) {
    throw invalid([diagnostic(file, 'VIDEOGEN_REVIEW_SCHEMA', 1, 1, [], 'the review file is empty', 'delete it to start over, or restore it from git')]);
  }
  let value: unknown;
  try {
    // CORE schema: no timestamps turned into Dates, no custom tags; videogen never writes aliases.
    value = load(text, { filename: file, maxAliases: 0, maxDepth: 20 });
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark ? error.mark.line + 1 : 1;
      const col = error.mark ? error.mark.column + 1 : 1;
      throw invalid([diagnostic(file, 'VIDEOGEN_REVIEW_SYNTAX', line, col, [], error.reason)]);
    }
    throw error;
  }
  const problems = reviewProblems(value);
  if (problems.length === 0) return ReviewSchema.parse(value) as Review;
  const locator = new SourceLocator(text);
  throw invalid(
    problems.map((problem) => {
      const { line, col } = locator.locate(problem.path, problem.target);
      return diagnostic(file, problem.code, line, col, problem.path, problem.message, problem.hint);
    }),
  );
}

interface ReviewProblem {
  code: 'VIDEOGEN_REVIEW_SCHEMA' | 'VIDEOGEN_REVIEW_VERSION';
  path: PathSegment[];
  target: PositionTarget;
  message: string;
  hint?: string;
}

function reviewProblems(value: unknown): ReviewProblem[] {
  const version = isRecord(value) ? value.version : undefined;
  if (version !== 1) {
    const message = version === undefined ? 'missing `version: 1`' : `unknown review file version ${JSON.stringify(version)}; this videogen reads version 1`;
    return [{ code: 'VIDEOGEN_REVIEW_VERSION', path: version === undefined ? [] : ['version'], target: 'value', message }];
  }
  const parsed = ReviewSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.flatMap((issue) => problemsFromIssue(issue, value));
}

function problemsFromIssue(issue: z.core.$ZodIssue, root: unknown): ReviewProblem[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const expected = path.length === 0 ? ['version', 'verdicts'] : VERDICT_KEYS;
    return issue.keys.map((key) => ({
      code: 'VIDEOGEN_REVIEW_SCHEMA' as const,
      path: [...path, key],
      target: 'key' as const,
      message: `unknown key \`${key}\`; expected one of: ${expected.join(', ')}`,
    }));
  }
  if (issue.code === 'invalid_key') {
    const why = issue.issues[0]?.message ?? issue.message;
    return [{ code: 'VIDEOGEN_REVIEW_SCHEMA', path, target: 'key', message: `${JSON.stringify(String(path.at(-1)))} is not an output: ${why}` }];
  }
  const parent = valueAt(root, path.slice(0, -1));
  const last = path.at(-1);
  if (typeof last === 'string' && isRecord(parent) && !Object.hasOwn(parent, last)) {
    return [{ code: 'VIDEOGEN_REVIEW_SCHEMA', path, target: 'value', message: `missing required field \`${last}\`` }];
  }
  // zod's own wording ("Invalid option: expected one of …"), lower-cased to sit in a sentence.
  const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return [{ code: 'VIDEOGEN_REVIEW_SCHEMA', path, target: 'value', message }];
}

/** The same Review always gives the same bytes. */
export function serializeReview(review: Review): string {
  const verdicts: Record<string, Record<string, string>> = {};
  for (const sha of Object.keys(review.verdicts).sort(compareOrdinal)) {
    const record = review.verdicts[sha] as VerdictRecord;
    verdicts[sha] = Object.fromEntries(VERDICT_KEYS.map((key) => [key, record[key]]));
  }
  const body = dump({ version: review.version, verdicts }, { lineWidth: -1, noRefs: true, quoteStyle: 'double' });
  return `${REVIEW_HEADER}\n${body}`;
}

/** Atomic, and skipped when the bytes would not change (`before` is the text last read or written). */
export async function writeReview(file: string, review: Review, before?: Review): Promise<boolean> {
  const text = serializeReview(review);
  if (before && serializeReview(before) === text) return false;
  await writeFileAtomic(file, text);
  return true;
}

/** What the planner takes: the verdict on each output, by sha256. */
export function verdictsBySha(review: Review): Map<string, Verdict> {
  return new Map(Object.entries(review.verdicts).map(([sha, record]) => [sha, record.verdict]));
}

/** The verdicts of the review file beside a lock, for `plan` and `apply`. */
export async function readVerdicts(lockFile: string): Promise<Map<string, Verdict>> {
  return verdictsBySha(await readReview(reviewFileFor(lockFile)));
}

function diagnostic(file: string, code: string, line: number, col: number, path: PathSegment[], message: string, hint?: string): Diagnostic {
  return {
    code,
    file,
    line,
    col,
    path: formatPath(path),
    message,
    hint: hint ?? `fix the entry, or restore the file from git (\`git checkout -- ${basename(file)}\`)`,
  };
}

function invalid(diagnostics: Diagnostic[]): InvalidInputError {
  return new InvalidInputError('VIDEOGEN_REVIEW_INVALID', diagnostics);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (!isRecord(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
