/**
 * Ctrl-C and SIGTERM during apply. The first one asks the run to stop: no new submissions,
 * polling and downloads end, and jobs already submitted stay `submitted` in the lock for the
 * next apply to collect. Submissions already on the wire are allowed to finish, because
 * aborting one could leave a billed job whose id we never learn. A second signal exits at
 * once: every transition is already in the lock, so there is nothing left to save.
 */
import { setMaxListeners } from 'node:events';

export interface InterruptHandle {
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  dispose(): void;
}

export function handleInterrupts(onFirst: (signalName: string) => void, exitNow: () => void): InterruptHandle {
  const controller = new AbortController();
  // Every poll sleep and request in flight listens to this one signal: dozens at once is the
  // design, not a leak, so Node's "possible EventTarget memory leak" warning must not fire.
  setMaxListeners(0, controller.signal);
  const listener = (signalName: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      exitNow();
      return;
    }
    controller.abort(new Error(`interrupted by ${signalName}`));
    onFirst(signalName);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    signal: controller.signal,
    get interrupted() {
      return controller.signal.aborted;
    },
    dispose() {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    },
  };
}
