import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { at, captureStream, runSummary, shotEvents } from '../../test/helpers/report.js';
import type { Plan } from '../plan/types.js';
import { createNdjsonReporter } from './ndjson-reporter.js';

const plan: Plan = {
  version: 1,
  actions: [
    { id: 'a', action: 'create', reason: 'not in the lock', provider: 'heygen' },
    { id: 'b', action: 'retry', reason: 'failed in the lock', provider: 'heygen' },
  ],
  summary: { create: 1, replace: 0, resume: 0, retry: 1, fetch: 0, reuse: 0, keep: 0, orphan: 0, skipped: 0, changes: 2 },
};

const summary = runSummary({ created: 1, failed: 1, videoSeconds: 4, wallMs: 12_000 });

const a = shotEvents('a', 'create');

function run(): { lines: string[]; records: Record<string, unknown>[] } {
  const out = captureStream();
  const reporter = createNdjsonReporter(out.stream);
  reporter.onPlan?.(plan);
  reporter.onShot?.(a(0, 'queued'));
  reporter.onShot?.(a(1, 'submitted', { jobId: 'job-a', provider: 'heygen' }));
  for (const [t, progress] of [[2, 0], [2.3, 10], [2.6, 20], [3, 30], [3.5, 40], [4.1, 50]] as const) {
    reporter.onShot?.(a(t, 'running', { progress }));
    if (t === 2.3) {
      reporter.onShot?.({ id: 'b', action: 'retry', state: 'failed', ts: at(2.4), error: { code: 'VIDEOGEN_JOB_FAILED', message: 'moderation' } });
    }
  }
  reporter.onShot?.(a(4.2, 'running', { progress: 55, note: 'provider slow' }));
  reporter.onMessage?.({ level: 'warn', text: 'rate limited' });
  reporter.onShot?.(a(5, 'downloading', { bytes: 0 }));
  reporter.onShot?.(a(5.5, 'downloading', { bytes: 1000 }));
  reporter.onShot?.(a(6, 'completed', { bytes: 2000, elapsedMs: 6000 }));
  reporter.onSummary?.(summary);
  // Anything after the summary must not break "the summary is the last line".
  reporter.onMessage?.({ level: 'info', text: 'late' });
  const text = out.text();
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return { lines, records: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createNdjsonReporter', () => {
  it('writes only JSON lines of the four known types, ending with the summary', () => {
    const { records } = run();
    expect(new Set(records.map((record) => record.type))).toEqual(new Set(['plan', 'shot', 'message', 'summary']));
    expect(records[0]).toEqual({ type: 'plan', plan });
    expect(records.at(-1)).toEqual({ type: 'summary', ...summary });
    expect(records.filter((record) => record.type === 'summary')).toHaveLength(1);
    expect(records).toContainEqual({ type: 'message', level: 'warn', text: 'rate limited' });
  });

  it('leads shot records with type, id, action, state, ts and keeps every other field', () => {
    const { lines, records } = run();
    const failed = lines.find((line) => line.includes('"failed"'));
    expect(failed).toBe(
      `{"type":"shot","id":"b","action":"retry","state":"failed","ts":"${at(2.4)}","error":{"code":"VIDEOGEN_JOB_FAILED","message":"moderation"}}`,
    );
    expect(records).toContainEqual({ type: 'shot', id: 'a', action: 'create', state: 'completed', ts: at(6), bytes: 2000, elapsedMs: 6000 });
  });

  it('throttles same-state ticks to one per shot per second but keeps every transition', () => {
    const { records } = run();
    const shotA = records.filter((record) => record.type === 'shot' && record.id === 'a');
    expect(shotA.map((record) => [record.state, record.progress ?? record.bytes ?? null])).toEqual([
      ['queued', null],
      ['submitted', null],
      ['running', 0],
      ['running', 30],
      ['running', 50],
      ['running', 55],
      ['downloading', 0],
      ['completed', 2000],
    ]);
    // A changed note is news even within the second.
    expect(shotA.find((record) => record.progress === 55)?.note).toBe('provider slow');
  });

  it('writes the lines of one event-loop turn in one write of whole lines, and a long turn in parts', async () => {
    const writes: string[] = [];
    const out = new Writable({ write: (chunk: Buffer, _encoding, done) => (writes.push(chunk.toString('utf8')), done()) });
    const reporter = createNdjsonReporter(out);
    reporter.onPlan?.(plan);
    for (let i = 0; i < 3; i++) reporter.onShot?.(shotEvents(`s${i}`, 'create')(1, 'submitted', { jobId: `job-${i}` }));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toHaveLength(5);

    // Far more than a turn usually gathers: written as it grows, never a line cut in two.
    const note = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) reporter.onShot?.(shotEvents(`t${i}`, 'create')(1, 'submitted', { jobId: `job-${i}`, note }));
    expect(writes.length).toBeGreaterThan(1);
    reporter.onSummary?.(summary);
    await reporter.close?.();
    for (const text of writes) expect(text.endsWith('\n')).toBe(true);
    const records = writes.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(1 + 3 + 200 + 1);
    expect(records.at(-1)).toEqual({ type: 'summary', ...summary });
  });
});
