import { onAbort } from './abort-listeners.js';

/**
 * A signal for one operation that aborts when `parent` does or once `ms` have passed, and is
 * cleaned up (listener and timer) by dispose() as soon as the operation ends.
 *
 * AbortSignal.any([parent, AbortSignal.timeout(ms)]) does the same, but leaves a weak
 * reference on the long-lived parent and a timer behind until a garbage collection: per
 * poll and per download of a 100,000-shot run, that was kilobytes of garbage each and a
 * hundred thousand weak references on the run's stop signal. The parent is waited on through
 * onAbort, which costs the same however many operations share it.
 */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Whether it was the time that ran out (not the parent that aborted). */
  expired(): boolean;
  dispose(): void;
}

export function linkedSignal(parent: AbortSignal | undefined, ms?: number): LinkedSignal {
  const controller = new AbortController();
  let expired = false;
  let stopWaiting: (() => void) | undefined;
  if (parent?.aborted) controller.abort(parent.reason);
  else if (parent) stopWaiting = onAbort(parent, () => controller.abort(parent.reason));
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          expired = true;
          controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
        }, ms);
  return {
    signal: controller.signal,
    expired: () => expired,
    dispose() {
      clearTimeout(timer);
      stopWaiting?.();
    },
  };
}
