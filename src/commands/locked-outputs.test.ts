import { describe, expect, it } from 'vitest';
import type { Lock, LockEntry } from '../lock/types.js';
import type { Manifest } from '../manifest/types.js';
import { lockedOutputs } from './locked-outputs.js';

const completed = (id: string): LockEntry =>
  ({ state: 'completed', output: { path: `out/${id}.mp4`, sha256: 'a'.repeat(64), bytes: 1 } }) as unknown as LockEntry;
const lock: Lock = {
  version: 1,
  shots: { hero: completed('hero'), 'city-1': completed('city-1'), gone: completed('gone'), waiting: { state: 'submitted' } as unknown as LockEntry },
};
// Only what lockedOutputs reads: the manifest's shots (an orphan, `gone`, is in the lock only).
const manifest = {
  shots: [
    { id: 'hero', tags: ['social'] },
    { id: 'city-1', tags: [] },
    { id: 'waiting', tags: [] },
  ],
} as unknown as Manifest;
const ids = (only: string[]) => lockedOutputs(manifest, lock, only).map((output) => output.id);

describe('lockedOutputs', () => {
  it('gives every completed output in id order, orphans included, and selects as --only does', () => {
    expect(ids([])).toEqual(['city-1', 'gone', 'hero']);
    expect(ids(['tag:social'])).toEqual(['hero']);
    expect(ids(['city-*', 'gone'])).toEqual(['city-1', 'gone']);
  });

  it('refuses a selector that matches nothing in the lock, naming it', () => {
    expect(() => ids(['hero', 'no-such-*'])).toThrow('no shot in the lock matches "no-such-*"');
  });
});
