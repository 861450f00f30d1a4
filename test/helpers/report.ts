/** Shared by the reporter tests: streams that remember what was written, scripted events, summaries. */
import { PassThrough } from 'node:stream';
import type { RunSummary, ShotEvent } from '../../src/report/types.js';

export interface CapturedStream {
  stream: NodeJS.WriteStream;
  /** Everything written so far. */
  text(): string;
}

/** A stream that remembers what was written to it; `isTTY`, `columns` and `rows` make it pass for a terminal. */
export function captureStream(terminal: { isTTY?: boolean; columns?: number; rows?: number } = {}): CapturedStream {
  const stream = Object.assign(new PassThrough(), terminal);
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const T0 = Date.parse('2025-01-01T10:00:00.000Z');

/** The ISO time `seconds` after a fixed instant, so scripted events and their expectations agree. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** Events of one shot, each stamped `at(t)`. */
export function shotEvents(id: string, action: ShotEvent['action']) {
  return (t: number, state: ShotEvent['state'], extra: Partial<ShotEvent> = {}): ShotEvent => ({ id, action, state, ts: at(t), ...extra });
}

/** A run summary: every count zero, no video, not interrupted, except what is given. */
export function runSummary(values: Partial<RunSummary>): RunSummary {
  return {
    created: 0,
    replaced: 0,
    resumed: 0,
    retried: 0,
    fetched: 0,
    reused: 0,
    kept: 0,
    failed: 0,
    pending: 0,
    skipped: 0,
    notPushed: 0,
    videoSeconds: 0,
    wallMs: 0,
    interrupted: false,
    ...values,
  };
}
