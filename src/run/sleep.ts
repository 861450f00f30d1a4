import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less if `signal` aborts. Resolves true when it was cut short. */
export async function sleepUnlessStopped(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return true;
  try {
    await delay(ms, undefined, { signal });
    return false;
  } catch {
    return true;
  }
}
