import { describe, expect, it } from 'vitest';
import { completedEntryFor, failedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';
import { mergeLocks } from './merge.js';
import { serializeLock } from './serialize.js';
import type { Lock } from './types.js';

const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => makeShot(id));
const base: Lock = { version: 1, shots: { a: submittedEntryFor(a!), b: failedEntryFor(b!), d: completedEntryFor(d!) } };

describe('mergeLocks', () => {
  it("takes each shard's changes against the base, whatever the order, to the same bytes", () => {
    const shard1: Lock = { version: 1, shots: { ...base.shots, a: completedEntryFor(a!) } };
    const shard2: Lock = { version: 1, shots: { ...base.shots, b: completedEntryFor(b!), c: completedEntryFor(c!) } };
    const shard3: Lock = { version: 1, shots: { a: base.shots.a!, b: base.shots.b! } };
    const inputs = [
      { file: 'one.lock.yaml', lock: shard1 },
      { file: 'two.lock.yaml', lock: shard2 },
      { file: 'three.lock.yaml', lock: shard3 },
    ];
    const forward = mergeLocks(base, inputs);
    const backward = mergeLocks(base, [...inputs].reverse());
    expect(forward).toMatchObject({ ok: true, changed: 4 });
    if (!forward.ok || !backward.ok) throw new Error('expected merges');
    // shard3 pruned d; a, b and c come from the shards that changed them.
    expect(forward.lock.shots).toEqual({ a: completedEntryFor(a!), b: completedEntryFor(b!), c: completedEntryFor(c!) });
    expect(serializeLock(backward.lock)).toBe(serializeLock(forward.lock));
  });

  it('keeps the base when no shard changed anything, and agrees with itself when two shards made the same change', () => {
    expect(mergeLocks(base, [{ file: 'x', lock: base }])).toEqual({ ok: true, lock: base, changed: 0 });
    const same = { version: 1 as const, shots: { ...base.shots, c: completedEntryFor(c!) } };
    expect(mergeLocks(base, [{ file: 'x', lock: same }, { file: 'y', lock: same }])).toMatchObject({ ok: true, changed: 1 });
  });

  it('refuses an entry two shards changed differently, naming the id and both files', () => {
    const one: Lock = { version: 1, shots: { ...base.shots, a: completedEntryFor(a!, 'take one') } };
    const two: Lock = { version: 1, shots: { ...base.shots, a: completedEntryFor(a!, 'take two') } };
    expect(mergeLocks(base, [{ file: 'two.yaml', lock: two }, { file: 'one.yaml', lock: one }])).toEqual({
      ok: false,
      conflicts: [{ id: 'a', files: ['one.yaml', 'two.yaml'] }],
    });
  });
});
