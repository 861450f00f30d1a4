/** The lock entry for each transition of a shot. Pure: the executor decides when, these decide what. */
import type { LockCost, LockEntry, LockError, LockOutput, LockRemote, LockReuse } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';
import { extend } from '../util/extend.js';

/** What is known of a submission before its answer: when, its idempotency key, what it is estimated to cost. */
export interface Submission {
  at: string;
  idempotencyKey?: string | undefined;
  /** US dollars; undefined when the price is unknown. */
  estimated?: number | undefined;
}

/**
 * Written, durably, just before a submission is sent: if we crash before its answer is
 * recorded, the next apply knows a job may exist and looks for it instead of blindly
 * paying for another (see Provider.findSubmitted).
 */
export function intentEntry(shot: Shot, submission: Submission): LockEntry {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    ...(submission.idempotencyKey === undefined ? {} : { idempotency_key: submission.idempotencyKey }),
    provider: shot.providerName,
    submitted_at: submission.at,
    ...costOf(submission),
  };
}

export function submittedEntry(shot: Shot, jobId: string, submission: Submission, remote?: LockRemote): LockEntry {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    job_id: jobId,
    ...(submission.idempotencyKey === undefined ? {} : { idempotency_key: submission.idempotencyKey }),
    provider: shot.providerName,
    submitted_at: submission.at,
    ...(remote && hasAny(remote) ? { remote } : {}),
    ...costOf(submission),
  };
}

/** The estimate is recorded with the submission: what the plan committed to when the job was asked for. */
function costOf(submission: Submission): { cost?: LockCost } {
  return submission.estimated === undefined ? {} : { cost: { estimated: submission.estimated, currency: 'USD' } };
}

/** What an existing entry knew of its submission, for the entries that follow it. */
export function submissionOf(entry: LockEntry | undefined, fallbackAt: string): Submission {
  return { at: entry?.submitted_at ?? fallbackAt, idempotencyKey: entry?.idempotency_key, estimated: entry?.cost?.estimated };
}

export function completedEntry(
  previous: LockEntry,
  output: { path: string; sha256: string; bytes: number },
  completedAt: string,
  remote?: LockRemote,
  reportedCost?: number,
): LockEntry & { output: LockOutput } {
  const merged = extend(previous.remote ?? {}, remote ?? {});
  // What the provider says it charged joins the estimate made at submission.
  const cost: LockCost | undefined =
    reportedCost === undefined ? previous.cost : extend(previous.cost ?? {}, { reported: reportedCost, currency: 'USD' });
  // A generated output is never a reused one, whatever the entry said before.
  const { error: _error, reused_from: _reusedFrom, ...rest } = previous;
  return extend(rest, {
    state: 'completed',
    completed_at: completedAt,
    output,
    ...(hasAny(merged) ? { remote: merged } : {}),
    ...(cost === undefined ? {} : { cost }),
  });
}

/** A shot whose video came from an earlier generation of the same spec: no job of its own. */
export function reusedEntry(shot: Shot, output: LockOutput, completedAt: string, origin: LockReuse): LockEntry & { output: LockOutput } {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'completed',
    provider: shot.providerName,
    completed_at: completedAt,
    output,
    reused_from: origin,
  };
}

export function failedEntry(previous: LockEntry, error: LockError & { hint?: string }, completedAt: string): LockEntry {
  const { output: _output, ...rest } = previous;
  // Code, class and message: hints are advice for the terminal, not history.
  const recorded: LockError = { code: error.code, ...(error.class === undefined ? {} : { class: error.class }), message: error.message };
  return extend(rest, { state: 'failed', completed_at: completedAt, error: recorded });
}

function hasAny(remote: LockRemote): boolean {
  return Object.values(remote).some((value) => value !== undefined);
}
