/**
 * A large apply's heap, kept nearer to what it holds. After each full collection V8 lets the
 * old generation grow to up to about four times what survived before it collects again; a
 * 100,000-shot apply holds about 300 MB (its shots, plan and lock entries) and peaked at
 * 1.2 GB of RSS, most of it garbage waiting for that next collection. With the growth held
 * to 1.5 times, full collections come more often (each mostly concurrent marking) and the
 * peak falls by a third (BENCHMARKS.md, "Scale"). This is a growth factor, not a cap: a run
 * that truly holds more still gets the memory, unlike --max-old-space-size.
 *
 * V8 reads this flag at each collection, so setting it once the run's size is known works.
 * A heap setting of the user's own (on the command line or in NODE_OPTIONS) is left alone,
 * and so is every run too small for it to matter.
 */
import { setFlagsFromString } from 'node:v8';

/** Runs with at least this many shots to execute get the tighter growth. */
export const LARGE_RUN_SHOTS = 20_000;

const FLAG = '--heap-growing-percent=50';
const USER_HEAP_SETTING = /--(?:max-old-space-size|max-heap-size|heap-growing-percent)\b/;

/** The V8 flag for a run of `shots`, or undefined when it gets none. */
export function heapGrowthFlag(shots: number, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (shots < LARGE_RUN_SHOTS) return undefined;
  if ([...execArgv, nodeOptions ?? ''].some((arg) => USER_HEAP_SETTING.test(arg))) return undefined;
  return FLAG;
}

/** Sets heapGrowthFlag's flag for this process (the CLI's apply; a library caller's process is its own). */
export function boundHeapGrowth(shots: number): void {
  const flag = heapGrowthFlag(shots, process.execArgv, process.env.NODE_OPTIONS);
  if (flag) setFlagsFromString(flag);
}
