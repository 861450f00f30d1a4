import { describe, expect, it } from 'vitest';
import { linkedSignal } from './linked-signal.js';

describe('linkedSignal', () => {
  it('aborts with its parent, and says it was not the time', () => {
    const parent = new AbortController();
    const linked = linkedSignal(parent.signal, 60_000);
    parent.abort(new Error('stop'));
    expect(linked.signal.aborted).toBe(true);
    expect(linked.expired()).toBe(false);
    linked.dispose();
  });

  it('aborts when the time runs out, and says so', async () => {
    const linked = linkedSignal(new AbortController().signal, 5);
    await new Promise((resolve) => linked.signal.addEventListener('abort', resolve));
    expect(linked.expired()).toBe(true);
    expect((linked.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('lets go of the parent and the timer once disposed', async () => {
    const parent = new AbortController();
    const linked = linkedSignal(parent.signal, 5);
    linked.dispose();
    await new Promise((resolve) => setTimeout(resolve, 20));
    parent.abort();
    expect(linked.signal.aborted).toBe(false);
  });

  it('starts aborted under an aborted parent', () => {
    const parent = new AbortController();
    parent.abort();
    expect(linkedSignal(parent.signal).signal.aborted).toBe(true);
  });
});
