import { VideogenError, ExitCode } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/**
 * Parses `250ms`, `5s`, `15m`, `1h`; a bare number means seconds (as DESIGN.md says).
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** Like parseDurationMs but for command-line flags: a bad value is a usage error. */
export function requireDurationMs(value: string | number, flag: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) {
    throw new VideogenError('VIDEOGEN_USAGE', `${flag}: "${value}" is not a duration`, {
      exitCode: ExitCode.invalid,
      hint: 'write 250ms, 5s, 15m or 1h',
    });
  }
  return ms;
}

/** `2m31s`, `850ms`: for humans, in progress lines and summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // 1.5s, not 2s: short timeouts are set to the tenth and should read as set.
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
