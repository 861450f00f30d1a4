/** The lock entry for each transition of a shot. Pure: the executor decides when, these decide what. */
import type { LockCost, LockEntry, LockError, LockOutput, LockRemote, LockReuse } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';

/**
 * Written, durably, just before a submission is sent: if we crash before its answer is
 * recorded, the next apply knows a job may exist and looks for it instead of blindly
 * paying for another (see Provider.findSubmitted).
 */
export function intentEntry(shot: Shot, submittedAt: string, idempotencyKey?: string): LockEntry {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
    provider: shot.providerName,
    submitted_at: submittedAt,
  };
}

export function submittedEntry(shot: Shot, jobId: string, submittedAt: string, remote?: LockRemote, idempotencyKey?: string): LockEntry {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    job_id: jobId,
    ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
    provider: shot.providerName,
    submitted_at: submittedAt,
    ...(remote && hasAny(remote) ? { remote } : {}),
  };
}

export function completedEntry(
  previous: LockEntry,
  output: { path: string; sha256: string; bytes: number },
  completedAt: string,
  remote?: LockRemote,
  cost?: LockCost,
): LockEntry & { output: LockOutput } {
  const merged = { ...previous.remote, ...remote };
  // A generated output is never a reused one, whatever the entry said before.
  const { error: _error, reused_from: _reusedFrom, ...rest } = previous;
  return {
    ...rest,
    state: 'completed',
    completed_at: completedAt,
    output,
    ...(hasAny(merged) ? { remote: merged } : {}),
    ...(cost === undefined ? {} : { cost }),
  };
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
  return { ...rest, state: 'failed', completed_at: completedAt, error: recorded };
}

function hasAny(remote: LockRemote): boolean {
  return Object.values(remote).some((value) => value !== undefined);
}
