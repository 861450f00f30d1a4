import type { LimitFunction } from 'p-limit';
import type { LockWriter } from '../lock/lock-writer.js';
import type { Manifest } from '../manifest/types.js';
import type { Provider } from '../providers/types.js';
import type { Reporter, ShotEvent } from '../report/types.js';
import type { QuotaStops } from './quota-stops.js';
import type { JobSlots } from './slots.js';

/** Everything one apply run shares between its shots. */
export interface RunContext {
  manifest: Manifest;
  lock: LockWriter;
  providers: ReadonlyMap<string, Provider>;
  reporter: Reporter;
  slots: JobSlots;
  downloads: LimitFunction;
  /** One recovery at a time, so two shots with the same spec cannot adopt the same job. */
  recoveries: LimitFunction;
  /** Providers that said the account is out of credit: nothing more is submitted to them. */
  quota: QuotaStops;
  /** Aborted by the first interrupt: stop submitting, polling and downloading. */
  stop: AbortSignal;
  maxDownloadBytes: number;
  random: () => number;
  now: () => number;
}

export function emit(ctx: RunContext, event: Omit<ShotEvent, 'ts'>): void {
  ctx.reporter.onShot?.({ ...event, ts: new Date(ctx.now()).toISOString() });
}

export function isoNow(ctx: RunContext): string {
  return new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
