/**
 * Checks a parsed lock value: the version first (another version's layout is not worth
 * reading further), then the schema, then contradictions a hand edit or a bad merge can
 * leave behind. Problems carry a field path; read.ts turns paths into file positions.
 */
import type { z } from 'zod';
import { LOCK_KEYS, LockEntrySchema, LockSchema, ShotIdSchema } from './schema.js';
import type { Lock, LockEntry } from './types.js';

export type LockProblemCode = 'VIDEOGEN_LOCK_SCHEMA' | 'VIDEOGEN_LOCK_CONTRADICTION' | 'VIDEOGEN_LOCK_VERSION';

export interface LockProblem {
  code: LockProblemCode;
  path: (string | number)[];
  message: string;
  /** Point at the key itself (unknown key, bad id) rather than at its value. */
  at: 'key' | 'value';
  /** Where to point when it is not `path` itself (a missing field is best shown at `state`). */
  locateAt?: (string | number)[];
  hint?: string;
}

export type LockValidation = { ok: true; lock: Lock } | { ok: false; problems: LockProblem[] };

export const SUPPORTED_LOCK_VERSION = 1;

export function validateLockValue(value: unknown): LockValidation {
  if (!isRecord(value)) {
    return fail([{ code: 'VIDEOGEN_LOCK_SCHEMA', path: [], at: 'value', message: 'expected a mapping with `version` and `shots`' }]);
  }
  const versionProblem = checkVersion(value);
  if (versionProblem) return fail([versionProblem]);

  const problems: LockProblem[] = [];
  const parsed = LockSchema.safeParse(value);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => issueToProblems(issue, value)));
  problems.push(...findContradictions(value));
  if (problems.length > 0 || !parsed.success) return fail(problems);
  return { ok: true, lock: parsed.data as Lock };
}

/**
 * Why one entry would make the lock unreadable, or undefined when it is fine. The writer
 * checks every entry before it reaches the disk, so a lock it wrote always reads back.
 */
export function entryProblem(id: string, entry: LockEntry): string | undefined {
  // The common case, a valid entry, checked piece by piece: a tenth of the cost of checking a
  // whole lock around it (the writer checks every transition of every shot).
  const valid = ShotIdSchema.safeParse(id).success && LockEntrySchema.safeParse(entry).success;
  if (valid && findContradictions({ shots: { [id]: entry } }).length === 0) return undefined;
  const result = validateLockValue({ version: SUPPORTED_LOCK_VERSION, shots: { [id]: entry } });
  if (result.ok) return undefined;
  return result.problems.map((problem) => `${problem.path.slice(2).join('.') || 'id'}: ${problem.message}`).join('; ');
}

function fail(problems: LockProblem[]): LockValidation {
  return { ok: false, problems };
}

function checkVersion(root: Record<string, unknown>): LockProblem | undefined {
  const version = root.version;
  if (version === SUPPORTED_LOCK_VERSION) return undefined;
  if (version === undefined) {
    return { code: 'VIDEOGEN_LOCK_VERSION', path: [], at: 'value', message: 'missing `version: 1`' };
  }
  if (typeof version === 'number' && Number.isInteger(version) && version > SUPPORTED_LOCK_VERSION) {
    return {
      code: 'VIDEOGEN_LOCK_VERSION',
      path: ['version'],
      at: 'value',
      message: `lockfile version ${version} was written by a newer videogen; this one reads version ${SUPPORTED_LOCK_VERSION}`,
      hint: 'upgrade videogen to read it',
    };
  }
  return {
    code: 'VIDEOGEN_LOCK_VERSION',
    path: ['version'],
    at: 'value',
    message: `unknown lockfile version ${JSON.stringify(version)}; expected ${SUPPORTED_LOCK_VERSION}`,
  };
}

function issueToProblems(issue: z.core.$ZodIssue, root: unknown): LockProblem[] {
  const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(path);
    return issue.keys.map((key) => ({
      code: 'VIDEOGEN_LOCK_SCHEMA' as const,
      path: [...path, key],
      at: 'key' as const,
      message: `unknown key \`${key}\`${allowed ? `; expected one of: ${allowed.join(', ')}` : ''}`,
    }));
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? issue.message;
    return [{ code: 'VIDEOGEN_LOCK_SCHEMA', path, at: 'key', message: `invalid shot id ${JSON.stringify(String(path.at(-1)))}: ${inner}` }];
  }
  if (issue.code === 'invalid_type' && valueAt(root, path) === undefined) {
    return [{ code: 'VIDEOGEN_LOCK_SCHEMA', path, at: 'value', message: `missing required field \`${String(path.at(-1))}\`` }];
  }
  return [{ code: 'VIDEOGEN_LOCK_SCHEMA', path, at: 'value', message: describeIssue(issue) }];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return 'expected a JSON value (string, number, boolean, null, list or mapping)';
  // zod's own wording ("Invalid input: expected string, received number"), lower-cased to sit in a sentence.
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

/** What each state promises; the executor always writes these together. */
function findContradictions(root: Record<string, unknown>): LockProblem[] {
  const shots = root.shots;
  if (!isRecord(shots)) return [];
  const problems: LockProblem[] = [];
  for (const [id, entry] of Object.entries(shots)) {
    if (!isRecord(entry)) continue;
    const missing = (field: string, why: string): void => {
      problems.push({
        code: 'VIDEOGEN_LOCK_CONTRADICTION',
        path: ['shots', id, field],
        locateAt: ['shots', id, 'state'],
        at: 'value',
        message: why,
      });
    };
    if (entry.state === 'completed' && entry.output === undefined) {
      missing('output', 'state is `completed` but no `output` is recorded');
    }
    // `submitted` without a job_id is legitimate: apply records its intent before sending a
    // submission, so a crash before the answer arrives leaves exactly that (see run/shot-runner.ts).
    if (entry.state === 'failed' && entry.error === undefined) {
      missing('error', 'state is `failed` but no `error` is recorded');
    }
    // Only a download that verified writes `output`, together with `completed`; an output on
    // another state is a hand edit (or a bad merge) that the planner would misread.
    if ((entry.state === 'submitted' || entry.state === 'failed') && entry.output !== undefined) {
      problems.push({
        code: 'VIDEOGEN_LOCK_CONTRADICTION',
        path: ['shots', id, 'output'],
        at: 'key',
        message: `state is \`${entry.state}\` but an \`output\` is recorded; only a completed shot has one`,
        hint: 'remove the `output` line, or restore the file from git',
      });
    }
    if (entry.state !== 'completed' && entry.reused_from !== undefined) {
      problems.push({
        code: 'VIDEOGEN_LOCK_CONTRADICTION',
        path: ['shots', id, 'reused_from'],
        at: 'key',
        message: `state is \`${entry.state}\` but \`reused_from\` is recorded; only a completed shot reuses an output`,
      });
    }
    const output = entry.output;
    if (isRecord(output) && typeof output.path === 'string' && output.path.includes('\\')) {
      // Written with forward slashes on every OS; a backslash path means another place on Windows.
      problems.push({
        code: 'VIDEOGEN_LOCK_SCHEMA',
        path: ['shots', id, 'output', 'path'],
        at: 'value',
        message: 'expected a path with forward slashes (/), as videogen writes it',
      });
    }
  }
  return problems;
}

function allowedKeysAt(path: (string | number)[]): readonly string[] | undefined {
  if (path.length === 0) return LOCK_KEYS.root;
  if (path[0] !== 'shots') return undefined;
  if (path.length === 2) return LOCK_KEYS.entry;
  if (path.length === 3) {
    const field = path[2];
    if (field === 'spec' || field === 'output' || field === 'reused_from' || field === 'remote' || field === 'cost' || field === 'error') return LOCK_KEYS[field];
  }
  return undefined;
}

export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
