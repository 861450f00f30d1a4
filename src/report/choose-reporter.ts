import { createNdjsonReporter } from './ndjson-reporter.js';
import { createPlainReporter } from './plain-reporter.js';
import type { Reporter } from './types.js';

export interface ChooseReporterOptions {
  /** `--json`: NDJSON on stdout, whatever the terminal. */
  json: boolean;
  /** Whether stdout is a terminal a live view can redraw. */
  isTTY: boolean;
  color: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * NDJSON for `--json`, the listr2 view in a terminal, plain lines otherwise (CI, pipes, a
 * terminal of unknown width).
 * listr2 is imported only when a terminal view is wanted, so CI runs and `plan`/`validate`
 * never load it.
 */
export async function chooseReporter(options: ChooseReporterOptions): Promise<Reporter> {
  if (options.json) return createNdjsonReporter(options.stdout);
  // A terminal that reports no width (`script`, `docker -t` without a size) cannot be redrawn in place.
  if (options.isTTY && (options.stdout.columns ?? 0) > 0) {
    const { createListrReporter } = await import('./listr-reporter.js');
    return createListrReporter({ color: options.color, out: options.stdout, err: options.stderr });
  }
  return createPlainReporter(options.stdout, { color: options.color });
}

/**
 * Colour follows the usual conventions: `NO_COLOR` (any non-empty value, no-color.org) turns it off,
 * `FORCE_COLOR` turns it on (`0`/`false` off), otherwise a terminal that is not `TERM=dumb` gets colour.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
