import type { EmulatorResponse } from './http-io.js';

/**
 * Idempotency keys as HeyGen v3 documents them (reference/heygen-v3.md §7): within the
 * window, a repeat of a key replays the first answer (no second job), and a repeat while the
 * first request is still being processed is refused (409). Keys are scoped: the caller
 * passes the account and route, so one key on two routes or two accounts is two keys.
 *
 * Only answers that created something are kept: a refusal (400, 429) created nothing, so it
 * releases the key and a corrected request with it goes through. What HeyGen does with a
 * refused first request is not documented; this is the reading that never charges twice.
 *
 * In memory, like the asset store: an emulator that restarts forgets its keys (job ids, by
 * contrast, carry their own state; see job-id.ts).
 */
export type KeyClaim =
  /** The first request with this key: the caller must settle it with the answer to replay, or undefined to release the key. */
  | { kind: 'first'; settle(answer: EmulatorResponse | undefined): void }
  | { kind: 'replay'; answer: EmulatorResponse }
  | { kind: 'in_progress' };

interface Entry {
  /** Unix ms of the first request; the window runs from here. */
  at: number;
  /** Absent while the first request is being processed. */
  answer?: EmulatorResponse;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  claim(scope: string, key: string, now: number, windowMs: number): KeyClaim {
    const id = `${scope}\u0000${key}`;
    const known = this.entries.get(id);
    // Past the window the key is new again (what HeyGen does then is not documented either).
    if (known && now - known.at < windowMs) {
      return known.answer ? { kind: 'replay', answer: known.answer } : { kind: 'in_progress' };
    }
    const entry: Entry = { at: now };
    this.entries.set(id, entry);
    return {
      kind: 'first',
      settle: (answer) => {
        if (this.entries.get(id) !== entry) return;
        if (answer) entry.answer = answer;
        else this.entries.delete(id);
      },
    };
  }

  clear(): void {
    this.entries.clear();
  }
}
