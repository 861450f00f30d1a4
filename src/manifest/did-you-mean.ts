/**
 * "Did you mean `prompt`?" suggestions for unknown keys and enum values.
 * Optimal-string-alignment distance (Damerau-Levenshtein without substring moves), so a
 * swapped pair of letters (`hegyen` → `heygen`) costs one edit like a typo does.
 */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let previous2 = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, previous2[j - 2]! + 1);
      }
      current[j] = best;
    }
    [previous2, previous, current] = [previous, current, previous2];
  }
  return previous[b.length]!;
}

const MAX_WORD_LENGTH = 200;
const MAX_CANDIDATES = 1000;

/** How many edits a word of this length may be away and still count as a typo of it. */
function allowedDistance(length: number): number {
  if (length <= 2) return 0;
  if (length <= 4) return 1;
  return 2;
}

/**
 * The candidate `value` was most likely meant to be, or undefined when none is close.
 * Case-insensitive; a value that is a prefix of exactly one candidate (`openai` →
 * `openai-videos`), or that starts with a candidate (`output_directory` → `output_dir`),
 * also counts. Ties go to the earliest candidate, so callers list
 * candidates in the order they want preferred.
 */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  // Suggestions are for typos among a handful of names; long inputs or lists would only cost time.
  if (wanted.length === 0 || wanted.length > MAX_WORD_LENGTH || candidates.length > MAX_CANDIDATES) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (lower === wanted) return candidate;
    const distance = editDistance(wanted, lower);
    if (distance <= allowedDistance(Math.min(wanted.length, lower.length)) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  if (wanted.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(wanted));
    if (prefixed.length === 1) return prefixed[0];
  }
  // `output_directory` → `output_dir`: the longest candidate the value starts with.
  let longest: string | undefined;
  for (const candidate of candidates) {
    if (candidate.length >= 4 && wanted.startsWith(candidate.toLowerCase()) && candidate.length > (longest?.length ?? 0)) {
      longest = candidate;
    }
  }
  return longest;
}

/** `did you mean \`prompt\`?`, or undefined. */
export function didYouMeanHint(value: string, candidates: readonly string[]): string | undefined {
  const suggestion = didYouMean(value, candidates);
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}
