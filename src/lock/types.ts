import type { Spec } from '../manifest/types.js';

export type LockState = 'submitted' | 'completed' | 'failed';

export interface LockOutput {
  /** Relative to the manifest's directory, forward slashes. */
  path: string;
  sha256: string;
  bytes: number;
}

/** Ids and URLs the provider handed back that find the job or its video again (module-specific keys beyond these two). */
export interface LockRemote {
  video_id?: string;
  asset_id?: string;
  [key: string]: string | undefined;
}

/** transient, quota, moderation, invalid or failed: decided by the provider module (DESIGN.md "Executor"). */
export type FailureClass = 'transient' | 'quota' | 'moderation' | 'invalid' | 'failed';

export interface LockCost {
  /** From the price table; absent when the price is unknown (never a silent 0). */
  estimated?: number;
  /** What the provider said it charged. */
  reported?: number;
  currency: 'USD';
}

export interface LockError {
  code: string;
  class?: FailureClass;
  message: string;
}

/**
 * Where a reused output came from (DESIGN.md "Storage and reuse"): no job was submitted for
 * this entry; the video is the one an earlier generation of the same spec produced.
 */
export interface LockReuse {
  /** `cache`: this machine's `.videogen/cache/`; `store`: the manifest's `storage:`. */
  source: 'cache' | 'store';
  /** The generation that made the video, as the spec index recorded it. */
  job_id?: string;
  provider?: string;
  shot?: string;
  generated_at?: string;
}

export interface LockEntry {
  spec_hash: string;
  spec: Spec;
  state: LockState;
  /** Present from the moment the provider answered the submission. */
  job_id?: string;
  /** Sent with the submission where the API takes one; recorded with the intent, replayed after a crash. */
  idempotency_key?: string;
  /** Provider entry name the job was submitted to. */
  provider?: string;
  submitted_at?: string;
  completed_at?: string;
  output?: LockOutput;
  /** Set when the output was reused rather than generated for this entry. */
  reused_from?: LockReuse;
  remote?: LockRemote;
  cost?: LockCost;
  error?: LockError;
}

export interface Lock {
  version: 1;
  /** Keyed by shot id. Written sorted by ordinal id. */
  shots: Record<string, LockEntry>;
}

export function emptyLock(): Lock {
  return { version: 1, shots: {} };
}
