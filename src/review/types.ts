/** What a reviewer said about one output, and the file that keeps it (`shots.review.yaml`). */

export type Verdict = 'approved' | 'rejected';

export const VERDICTS: readonly Verdict[] = ['approved', 'rejected'];

export interface VerdictRecord {
  verdict: Verdict;
  /**
   * The shot the output belonged to when it was judged. It is what lets the contact sheet
   * find a replaced shot's previous output: the rejected sha256 names the video in the local
   * cache, this names the card to show it on.
   */
  shot: string;
  /** When the verdict was given (ISO 8601, seconds, UTC). */
  at: string;
}

export interface Review {
  version: 1;
  /** Keyed by the output's sha256 (lowercase hex): a verdict judges bytes, not a shot id. Written sorted. */
  verdicts: Record<string, VerdictRecord>;
}

export function emptyReview(): Review {
  return { version: 1, verdicts: {} };
}
