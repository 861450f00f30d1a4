/**
 * `--only` / `--replace` patterns: an exact id, a glob over ids (`hero-*`, `shot-?`), or
 * `tag:name`. Globs are translated to anchored regular expressions by hand: ids cannot hold
 * `/`, so `*` simply means "any run of characters". An exact pattern also names the shots an
 * entry expanded into: its template id as written (`hello-{{ slug }}`), or the id whose takes
 * they are (`hero` selects `hero.1` … `hero.3`).
 */
import type { Shot } from '../manifest/types.js';

export interface ShotMatcher {
  /** The pattern as the user wrote it. */
  readonly pattern: string;
  matchesShot(shot: Pick<Shot, 'id' | 'tags' | 'template' | 'takeOf'>): boolean;
  /** For lock entries with no manifest shot (orphans): they have an id but no tags. */
  matchesId(id: string): boolean;
}

export function compileSelector(pattern: string): ShotMatcher {
  if (pattern.startsWith('tag:')) {
    const tag = pattern.slice('tag:'.length);
    return { pattern, matchesShot: (shot) => shot.tags.includes(tag), matchesId: () => false };
  }
  if (/[*?]/.test(pattern)) {
    const regex = globToRegExp(pattern);
    return { pattern, matchesShot: (shot) => regex.test(shot.id), matchesId: (id) => regex.test(id) };
  }
  return {
    pattern,
    matchesShot: (shot) => shot.id === pattern || shot.template === pattern || shot.takeOf === pattern,
    matchesId: (id) => id === pattern,
  };
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** A set of selector patterns that remembers which ever matched. */
export class SelectorSet {
  readonly #matchers: ShotMatcher[];
  readonly #hit: boolean[];

  constructor(patterns: readonly string[]) {
    this.#matchers = patterns.map(compileSelector);
    this.#hit = this.#matchers.map(() => false);
  }

  get isEmpty(): boolean {
    return this.#matchers.length === 0;
  }

  matchShot(shot: Shot): boolean {
    return this.#match((matcher) => matcher.matchesShot(shot));
  }

  matchId(id: string): boolean {
    return this.#match((matcher) => matcher.matchesId(id));
  }

  unmatched(): string[] {
    return this.#matchers.filter((_, index) => !this.#hit[index]).map((matcher) => matcher.pattern);
  }

  #match(test: (matcher: ShotMatcher) => boolean): boolean {
    let any = false;
    this.#matchers.forEach((matcher, index) => {
      if (test(matcher)) {
        this.#hit[index] = true;
        any = true;
      }
    });
    return any;
  }
}
