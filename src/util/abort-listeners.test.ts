import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './abort-listeners.js';

describe('onAbort', () => {
  it('calls every waiting callback once when the signal aborts, and none that stopped waiting', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const same = () => calls.push('same');
    onAbort(controller.signal, same);
    onAbort(controller.signal, same);
    const stop = onAbort(controller.signal, () => calls.push('gone'));
    onAbort(controller.signal, () => calls.push('other'));
    stop();
    controller.abort();
    controller.abort();
    expect(calls.sort()).toEqual(['other', 'same', 'same']);
  });

  it('puts one listener on the signal however many wait on it', () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 1000 }, () => onAbort(controller.signal, () => {}));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const stop of stops) stop();
  });
});
