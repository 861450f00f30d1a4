import type { FailureClass } from './lock/types.js';

/**
 * The few error classes videogen throws to its users. Every one carries a stable
 * `code` (documented in the README) and an exit code; the CLI has one catch that
 * maps them to the process exit status.
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  changes: 2,
  invalid: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem found in a file, located precisely enough for an editor to jump to it. */
export interface Diagnostic {
  /** Stable code, e.g. VIDEOGEN_MANIFEST_UNKNOWN_KEY. */
  code: string;
  file: string;
  /** 1-based; 0 when the problem has no position (a missing file, say). */
  line: number;
  col: number;
  /** Field path such as `shots[2].prompt`; empty for the whole document. */
  path: string;
  message: string;
  hint?: string;
  /** Absent for errors; warnings are printed but change nothing (a retired model, say). */
  severity?: 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const field = d.path ? ` ${d.path}:` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  const level = d.severity === 'warning' ? 'warning ' : '';
  return `${where}: ${level}${d.code}${field} ${d.message}${hint}`;
}

export class VideogenError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.hint = options.hint;
  }
}

/** Bad command-line usage (conflicting flags, a missing --yes without a terminal). Exit 3. */
export class UsageError extends VideogenError {
  constructor(message: string, hint?: string) {
    super('VIDEOGEN_USAGE', message, { exitCode: ExitCode.invalid, hint });
  }
}

/** A manifest, lockfile or review file that cannot be used; carries every problem found, not only the first. Exit 3. */
export class InvalidInputError extends VideogenError {
  readonly diagnostics: Diagnostic[];

  constructor(code: 'VIDEOGEN_MANIFEST_INVALID' | 'VIDEOGEN_LOCK_INVALID' | 'VIDEOGEN_REVIEW_INVALID', diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    const summary = diagnostics.length === 1 && first ? formatDiagnostic(first) : `${diagnostics.length} problems`;
    super(code, summary, { exitCode: ExitCode.invalid });
    this.diagnostics = diagnostics;
  }
}

/** Another apply holds the manifest's lock. Exit 1: nothing is wrong with the input. */
export class LockBusyError extends VideogenError {
  constructor(message: string, hint?: string) {
    super('VIDEOGEN_LOCK_BUSY', message, { exitCode: ExitCode.failure, hint });
  }
}

/** What a failure says to people: its stable code, its message, and a hint when there is one. */
export interface ErrorInfo {
  code: string;
  message: string;
  /** For the person reading the output; never written to the lock. */
  hint?: string;
  /** How a provider's failure is handled (DESIGN.md "Executor"); set by run/failures.ts. */
  class?: FailureClass;
}

export function describeError(error: unknown): ErrorInfo {
  if (error instanceof VideogenError) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'VIDEOGEN_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
