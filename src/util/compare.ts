/**
 * Ordinal (UTF-16 code unit) order, as RFC 8785 §3.2.3 asks: the same on every machine and
 * locale, unlike localeCompare. The spec hash, the lockfile and the plan all sort with it,
 * and must agree.
 */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
