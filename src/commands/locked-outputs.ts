/** The outputs a lock records, as push, pull and prune see them: selected by `--only`, and kept inside output_dir. */
import { relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import type { Lock, LockEntry, LockOutput } from '../lock/types.js';
import type { Manifest } from '../manifest/types.js';
import { SelectorSet } from '../plan/selectors.js';
import { compareOrdinal } from '../util/compare.js';

export interface LockedOutput {
  id: string;
  entry: LockEntry & { output: LockOutput };
}

/**
 * Every completed entry's output (orphans too: the lock still names them), in id order.
 * `only` selects as plan's `--only` does (ids, globs, `tag:` for shots in the manifest); a
 * selector that matches no lock entry is refused, as a typo.
 */
export function lockedOutputs(manifest: Manifest, lock: Lock, only: readonly string[]): LockedOutput[] {
  const selectors = new SelectorSet(only);
  const shots = new Map(manifest.shots.map((shot) => [shot.id, shot]));
  const selected: LockedOutput[] = [];
  for (const id of Object.keys(lock.shots).sort(compareOrdinal)) {
    const entry = lock.shots[id] as LockEntry;
    const shot = shots.get(id);
    // Every selector is tried (not stopping at the first hit), so each one's use is known.
    const chosen = (shot ? selectors.matchShot(shot) : selectors.matchId(id)) || selectors.isEmpty;
    if (chosen && entry.state === 'completed' && entry.output) selected.push({ id, entry: entry as LockedOutput['entry'] });
  }
  const unmatched = selectors.unmatched().map((pattern) => `"${pattern}"`);
  if (unmatched.length > 0) throw new UsageError(`no shot in the lock matches ${unmatched.join(', ')}`, 'selectors are ids, globs such as hero-*, or tag:name');
  return selected;
}

/**
 * The absolute path of a recorded output, or undefined when it lies outside output_dir: a
 * lockfile is editable text, and no command writes or deletes anywhere else because one says so.
 */
export function outputPathInside(manifest: Manifest, path: string): string | undefined {
  const outputRoot = resolve(manifest.dir, manifest.outputDir);
  const target = resolve(manifest.dir, path);
  const inside = relative(outputRoot, target);
  if (inside === '' || inside.startsWith('..') || inside.startsWith(sep) || resolve(outputRoot, inside) !== target) return undefined;
  return target;
}
