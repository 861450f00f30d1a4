import { formatAmount, formatUsd } from '../cost/estimate.js';
import { formatDuration } from '../util/duration.js';
import type { RunMessage, RunSummary, ShotEvent } from './types.js';

/** Small text helpers shared by the plain and the terminal reporter, so both say things the same way. */

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** `850 B`, `12.1 MB`, `1.2 GB`: decimal units, as file managers and providers' dashboards show sizes. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1000) return `${Math.max(0, Math.round(Number.isFinite(n) ? n : 0))} B`;
  let unit = 0;
  let value = n;
  // Round before choosing the unit so that 999 960 bytes reads `1.0 MB`, not `1000.0 kB`.
  while (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(1)) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** `48 s`, `2m05s`: seconds of generated video. */
function formatVideoSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  return formatDuration(seconds * 1000);
}

/**
 * The one line that ends every apply, identical in the terminal and in CI logs:
 * `Done in 3m12s: 2 created, 1 replaced, 0 resumed, 0 retried, 1 fetched, 0 reused, 37 kept, 0 failed; 48 s of video.`
 */
export function summaryLine(summary: RunSummary): string {
  const lead = summary.interrupted
    ? `Interrupted after ${formatDuration(summary.wallMs)}`
    : `Done in ${formatDuration(summary.wallMs)}`;
  const counts = [
    `${summary.created} created`,
    `${summary.replaced} replaced`,
    `${summary.resumed} resumed`,
    `${summary.retried} retried`,
    `${summary.fetched} fetched`,
    `${summary.reused} reused`,
    `${summary.kept} kept`,
    `${summary.failed} failed`,
  ].join(', ');
  let line = `${lead}: ${counts}; ${formatVideoSeconds(summary.videoSeconds)} of video.${spentLine(summary.cost)}`;
  if (summary.pending > 0) {
    line += ` ${summary.pending} still running remotely; the next apply collects ${summary.pending === 1 ? 'it' : 'them'}.`;
  }
  if (summary.skipped > 0) line += ` ${summary.skipped} not submitted; the next apply tries again.`;
  if (summary.notPushed > 0) {
    const outputs = summary.notPushed === 1 ? '1 output is' : `${summary.notPushed} outputs are`;
    line += ` ${outputs} not in the store yet (kept on disk); \`videogen push\` uploads ${summary.notPushed === 1 ? 'it' : 'them'}.`;
  }
  return line;
}

/** ` Spent about $4.80 (as reported by the provider).` Nothing when nothing was submitted. */
function spentLine(cost: RunSummary['cost']): string {
  if (!cost || (cost.usd === 0 && cost.unknown === 0)) return '';
  const reported =
    cost.reported === 0 ? '' : cost.reported === cost.usd ? ' (as reported by the provider)' : ` (${formatUsd(cost.reported)} of it reported by the provider)`;
  const priced = formatAmount(cost.usd, cost.unknown, 'job');
  const amount = cost.usd === 0 ? `an unknown amount (${priced})` : `about ${priced}`;
  if (cost.emulated) return ` On the real APIs this would have cost ${amount} (emulated: nothing was billed).`;
  return ` Spent ${amount}${reported}.`;
}

/** `VIDEOGEN_HTTP_AUTH: the API key was rejected`. */
export function describeError(error: ShotEvent['error']): string {
  if (!error) return 'failed';
  const text = error.message ? `${error.code}: ${error.message}` : error.code;
  return error.hint ? `${text} (hint: ${error.hint})` : text;
}

/** Job ids can be 36-character UUIDs; a prefix is enough to recognise one in a live view. */
export function shortJobId(jobId: string, max = 14): string {
  return jobId.length <= max ? jobId : `${jobId.slice(0, max - 1)}…`;
}

export function formatProgress(progress: number | undefined): string {
  if (progress === undefined || !Number.isFinite(progress)) return '';
  return `${Math.max(0, Math.min(100, Math.round(progress)))}%`;
}

export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => (text ? `\x1b[${open}m${text}\x1b[${close}m` : text);
const identity = (text: string) => text;

/** Colour on or off in one place: with `color` false every function returns its input untouched. */
export function createPaint(color: boolean): Paint {
  if (!color) return { green: identity, red: identity, yellow: identity, dim: identity, bold: identity };
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** `warning: …` / `error: …` / plain text for info. */
export function messageLine(message: RunMessage, paint: Paint): string {
  if (message.level === 'warn') return `${paint.yellow('warning:')} ${message.text}`;
  if (message.level === 'error') return `${paint.red('error:')} ${message.text}`;
  return message.text;
}

/** Milliseconds since the ISO timestamp `from`, measured at the ISO timestamp `to`; undefined when either is unreadable. */
export function msBetween(from: string | undefined, to: string): number | undefined {
  if (from === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Resolves once the stream has flushed what it buffered, so the caller can exit without losing lines. */
export function drained(out: NodeJS.WritableStream): Promise<void> {
  const writable = out as NodeJS.WritableStream & { writableNeedDrain?: boolean };
  if (!writable.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}
