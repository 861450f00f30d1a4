import type { Spec } from '../manifest/types.js';

export type LockState = 'submitted' | 'completed' | 'failed';

export interface LockOutput {
  /** Relative to the manifest's directory, forward slashes. */
  path: string;
  sha256: string;
  bytes: number;
}

/** Ids the provider handed back that may help find the video again. */
export interface LockRemote {
  video_id?: string;
  asset_id?: string;
}

export interface LockEntry {
  spec_hash: string;
  spec: Spec;
  state: LockState;
  /** Present from the moment the provider answered the submission. */
  job_id?: string;
  /** Provider entry name the job was submitted to. */
  provider?: string;
  submitted_at?: string;
  completed_at?: string;
  output?: LockOutput;
  remote?: LockRemote;
  error?: { code: string; message: string };
}

export interface Lock {
  version: 1;
  /** Keyed by shot id. Written sorted by ordinal id. */
  shots: Record<string, LockEntry>;
}

export function emptyLock(): Lock {
  return { version: 1, shots: {} };
}
