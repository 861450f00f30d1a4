import { onAbort } from '../util/abort-listeners.js';

/**
 * Waits `ms`, or less if `signal` aborts. Resolves true when it was cut short.
 * (Not timers/promises' setTimeout with a signal: that adds a listener to the run's stop
 * signal per sleep, and the thousands of sleeps of a large run made each add a long walk; see
 * abort-listeners.ts.)
 */
export function sleepUnlessStopped(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stopWaiting();
      resolve(false);
    }, ms);
    const stopWaiting = onAbort(signal, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
