import type { ActionKind, Plan } from '../plan/types.js';
import type { LockCost } from '../lock/types.js';

/**
 * Progress goes through this one interface of optional hooks: the terminal UI (listr2),
 * plain CI lines and NDJSON are three small implementations of it.
 */
export interface Reporter {
  onPlan?(plan: Plan): void;
  onShot?(event: ShotEvent): void;
  onMessage?(message: RunMessage): void;
  onSummary?(summary: RunSummary): void;
  /** Flush and release the terminal. */
  close?(): Promise<void> | void;
}

export type ShotState =
  | 'queued'
  | 'submitting'
  | 'submitted'
  | 'running'
  | 'downloading'
  | 'completed'
  | 'failed'
  /** Left `submitted` in the lock: timeout or interrupt; the next apply resumes it. */
  | 'pending'
  /** Never submitted in this run (its provider is out of credit; `note` says why); the next apply tries again. */
  | 'skipped';

/** The states that end a shot's run: no event about it follows. */
export const FINAL_STATES: ReadonlySet<ShotState> = new Set(['completed', 'failed', 'pending', 'skipped']);

export interface ShotEvent {
  id: string;
  action: ActionKind;
  state: ShotState;
  /** ISO timestamp. */
  ts: string;
  jobId?: string;
  provider?: string;
  progress?: number;
  bytes?: number;
  elapsedMs?: number;
  /** On `completed`: the lock entry's cost, estimated and, where the provider said, reported. */
  cost?: LockCost;
  /** `hint` says what to do about it; it goes to people, never into the lock. */
  error?: { code: string; message: string; hint?: string; class?: string };
  /** Free text for humans (`retrying in 2s: rate limited`). */
  note?: string;
}

export interface RunMessage {
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface RunSummary {
  created: number;
  replaced: number;
  resumed: number;
  retried: number;
  fetched: number;
  /** Videos of earlier generations of the same spec, taken from the cache or the store: no job. */
  reused: number;
  kept: number;
  failed: number;
  /** Still running remotely (interrupt or timeout); the next apply collects them. */
  pending: number;
  /** Not submitted in this run although planned (a provider out of credit); the next apply tries again. */
  skipped: number;
  /** Completed and safe on disk, but the store refused them: `videogen push` uploads them. */
  notPushed: number;
  /** Seconds of video generated in this run. */
  videoSeconds: number;
  wallMs: number;
  interrupted: boolean;
  /** What the jobs submitted in this run cost: estimated, or what the provider reported where it did. */
  cost?: RunCost;
}

/** `usd`: reported charges where the provider gave them, estimates elsewhere; `unknown`: jobs of unknown price. */
export interface RunCost {
  usd: number;
  /** The part of `usd` the provider reported (OpenRouter `usage.cost`). */
  reported: number;
  unknown: number;
  currency: 'USD';
  /** Every job of the run went to the built-in emulator: what it would have cost, nothing billed. */
  emulated?: true;
}
