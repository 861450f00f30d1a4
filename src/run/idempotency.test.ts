import { describe, expect, it } from 'vitest';
import type { LockEntry } from '../lock/types.js';
import { makeShot } from '../../test/lock-helpers.js';
import { idempotencyKeyFor } from './idempotency.js';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('idempotencyKeyFor', () => {
  const shot = makeShot('hero');
  const first = idempotencyKeyFor(shot, undefined, NOW, DAY);
  const entry = (overrides: Partial<LockEntry>): LockEntry => ({
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    idempotency_key: first,
    submitted_at: new Date(NOW - 60_000).toISOString(),
    ...overrides,
  });

  it('is attempt 1 of this spec and shot, within the API\'s character set', () => {
    expect(first).toMatch(/^vg-[0-9a-f]{32}-[0-9a-f]{12}-1$/);
    expect(first).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/);
  });

  it('replays the key of an interrupted submission while the API remembers it', () => {
    expect(idempotencyKeyFor(shot, entry({}), NOW, DAY)).toBe(first);
    expect(idempotencyKeyFor(shot, entry({ submitted_at: new Date(NOW - DAY - 1).toISOString() }), NOW, DAY)).toBe(first.replace(/-1$/, '-2'));
  });

  it('starts a new attempt after a failure, a finished job or a recorded job id', () => {
    const second = first.replace(/-1$/, '-2');
    expect(idempotencyKeyFor(shot, entry({ state: 'failed' }), NOW, DAY)).toBe(second);
    expect(idempotencyKeyFor(shot, entry({ state: 'completed' }), NOW, DAY)).toBe(second);
    expect(idempotencyKeyFor(shot, entry({ job_id: 'v1' }), NOW, DAY)).toBe(second);
    expect(idempotencyKeyFor(shot, entry({ state: 'failed', idempotency_key: second }), NOW, DAY)).toBe(first.replace(/-1$/, '-3'));
  });

  it('never shares a key between shots or specs', () => {
    const twin = makeShot('twin');
    const edited = makeShot('hero', { prompt: 'another prompt' });
    expect(idempotencyKeyFor(twin, undefined, NOW, DAY)).not.toBe(first);
    // An earlier key of another spec is not continued: the edited shot starts at attempt 1 of its own.
    const afterEdit = idempotencyKeyFor(edited, entry({ state: 'failed' }), NOW, DAY);
    expect(afterEdit).not.toBe(first);
    expect(afterEdit).toMatch(/-1$/);
  });
});
