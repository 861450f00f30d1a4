/**
 * Test hook, for the crash tests (test/journal-crash.test.ts) and nothing else:
 * VIDEOGEN_TEST_CRASH_AT=<point>[:n] kills the process with SIGKILL the n-th time (default the
 * first) it reaches <point>: `journal-append` (half of an append written), and during a
 * compaction `compaction-before-rename` (new lock written, not renamed into place) or
 * `compaction-after-rename` (renamed, journal not yet replaced).
 */
export type CrashPoint = 'journal-append' | 'compaction-before-rename' | 'compaction-after-rename';

const CRASH_AT = ((): { point: string | undefined; at: number; seen: number } => {
  const [point, at] = (process.env.VIDEOGEN_TEST_CRASH_AT ?? '').split(':');
  return { point: point || undefined, at: Number(at ?? 1) || 1, seen: 0 };
})();

/** Whether the process is to be killed at this passage through `point`. */
export function crashDue(point: CrashPoint): boolean {
  return CRASH_AT.point === point && ++CRASH_AT.seen === CRASH_AT.at;
}

export function crashNow(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: killed');
}
