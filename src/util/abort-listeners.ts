/**
 * One listener on a long-lived signal, however many operations wait on it.
 *
 * The run's stop signal is waited on by every sleep, poll and download in flight: two to three
 * thousand at 1,000 shots in flight. EventTarget's addEventListener and removeEventListener
 * walk the signal's whole list of listeners (to refuse duplicates, to find the one to
 * remove), so each wait cost a walk of thousands: about 85 µs of the event loop a shot, 6 %
 * of a 20,000-shot apply's main thread (BENCHMARKS.md). Here the signal gets one listener,
 * and the waits are kept in a Set, where adding and removing take constant time.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts (not at all if it already has: check
 * `signal.aborted` first). Returns the function that stops waiting.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const registered = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        const now = [...registered];
        registered.clear();
        for (const call of now) call();
      },
      { once: true },
    );
    waiting.set(signal, registered);
    callbacks = registered;
  }
  // A Set holds a function once, and two waits may pass the same one: each gets its own entry.
  const entry = () => callback();
  callbacks.add(entry);
  const registered = callbacks;
  return () => registered.delete(entry);
}
