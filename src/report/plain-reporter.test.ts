import { describe, expect, it } from 'vitest';
import { at, captureStream, runSummary, shotEvents } from '../../test/helpers/report.js';
import type { Plan } from '../plan/types.js';
import { createPlainReporter } from './plain-reporter.js';
import type { Reporter } from './types.js';

const plan: Plan = {
  version: 1,
  actions: [
    { id: 'coastal-city', action: 'create', reason: 'not in the lock', provider: 'heygen' },
    { id: 'hero', action: 'replace', reason: 'prompt changed', provider: 'openai' },
    { id: 'forest', action: 'resume', reason: 'submitted in the lock', provider: 'heygen', job_id: 'job-f' },
    { id: 'old', action: 'keep', reason: 'output intact', provider: 'heygen' },
  ],
  summary: { create: 1, replace: 1, resume: 1, retry: 0, fetch: 0, reuse: 0, keep: 1, orphan: 0, skipped: 0, changes: 3 },
};

const summary = runSummary({ created: 1, kept: 1, failed: 1, pending: 1, videoSeconds: 8, wallMs: 192_000, interrupted: true });

const cc = shotEvents('coastal-city', 'create');

/** Three shots interleaved: one completes with many progress ticks, one fails, one is left pending. */
function playScript(reporter: Reporter): void {
  reporter.onPlan?.(plan);
  reporter.onShot?.(cc(0, 'queued'));
  reporter.onShot?.({ id: 'hero', action: 'replace', state: 'queued', ts: at(0) });
  reporter.onShot?.({ id: 'forest', action: 'resume', state: 'queued', ts: at(0) });
  reporter.onShot?.(cc(1, 'submitting', { provider: 'heygen' }));
  reporter.onShot?.({ id: 'hero', action: 'replace', state: 'submitting', provider: 'openai', ts: at(1) });
  reporter.onShot?.(cc(2, 'submitted', { provider: 'heygen', jobId: 'node-gw-abc' }));
  reporter.onShot?.({ id: 'hero', action: 'replace', state: 'submitted', provider: 'openai', jobId: 'video_123', ts: at(2) });
  reporter.onShot?.(cc(3, 'running', { progress: 0 }));
  reporter.onShot?.({ id: 'forest', action: 'resume', state: 'running', jobId: 'job-f', progress: 10, ts: at(3) });
  for (const [t, progress] of [[3.2, 5], [3.4, 10], [3.6, 20], [4, 30], [4.2, 40]] as const) {
    reporter.onShot?.(cc(t, 'running', { progress }));
  }
  reporter.onShot?.({
    id: 'hero',
    action: 'replace',
    state: 'failed',
    ts: at(4.5),
    error: { code: 'VIDEOGEN_HTTP_AUTH', message: 'the API key was rejected' },
  });
  for (const [t, progress] of [[5, 55], [6, 80], [7, 100]] as const) {
    reporter.onShot?.(cc(t, 'running', { progress }));
  }
  reporter.onMessage?.({ level: 'warn', text: 'heygen: rate limited, retrying in 2s' });
  reporter.onShot?.(cc(8, 'downloading', { bytes: 0 }));
  reporter.onShot?.(cc(8.5, 'downloading', { bytes: 5_000_000 }));
  reporter.onShot?.(cc(9, 'downloading', { bytes: 12_100_000 }));
  reporter.onShot?.(cc(10, 'completed', { bytes: 12_100_000, elapsedMs: 151_000 }));
  // As the shot runner reports it: the note says what happens next.
  reporter.onShot?.({ id: 'forest', action: 'resume', state: 'pending', jobId: 'job-f', note: 'still running remotely; the next apply collects it', ts: at(11) });
  reporter.onSummary?.(summary);
}

describe('createPlainReporter', () => {
  it('prints one plain line per meaningful transition, thinning progress to 25% bands', async () => {
    const { stream, text } = captureStream();
    const reporter = createPlainReporter(stream, { color: false });
    playScript(reporter);
    await reporter.close?.();

    expect(text()).not.toMatch(/\x1b\[/);
    expect(text()).not.toContain('\r');
    expect(text().split('\n')).toEqual([
      'coastal-city  submitting  (heygen)',
      'hero          submitting  (openai)',
      'coastal-city  submitted  node-gw-abc  (heygen)',
      'hero          submitted  video_123  (openai)',
      'coastal-city  running',
      'forest        running 10%',
      'coastal-city  running 30%',
      'hero          failed  VIDEOGEN_HTTP_AUTH: the API key was rejected',
      'coastal-city  running 55%',
      'coastal-city  running 80%',
      'coastal-city  running 100%',
      'warning: heygen: rate limited, retrying in 2s',
      'coastal-city  downloading',
      'coastal-city  done 2m31s  12.1 MB',
      'forest        pending  job-f  (still running remotely; the next apply collects it)',
      'Interrupted after 3m12s: 1 created, 0 replaced, 0 resumed, 0 retried, 0 fetched, 0 reused, 1 kept, 1 failed; 8 s of video. 1 still running remotely; the next apply collects it.',
      '',
    ]);
  });

  it('prints a line when a note changes within a state, and works without a plan', () => {
    const { stream, text } = captureStream();
    const reporter = createPlainReporter(stream, { color: false });
    reporter.onShot?.(cc(0, 'submitting', { provider: 'heygen' }));
    reporter.onShot?.(cc(1, 'submitting', { provider: 'heygen', note: 'retrying in 2s: rate limited' }));
    reporter.onShot?.(cc(2, 'submitting', { provider: 'heygen', note: 'retrying in 2s: rate limited' }));
    reporter.onShot?.(cc(4, 'completed'));
    expect(text().split('\n')).toEqual([
      'coastal-city  submitting  (heygen)',
      'coastal-city  submitting  (heygen)  (retrying in 2s: rate limited)',
      'coastal-city  done 4s',
      '',
    ]);
  });

  it('colours state words when colour is on, still without cursor movement', () => {
    const { stream, text } = captureStream();
    const reporter = createPlainReporter(stream, { color: true });
    playScript(reporter);
    expect(text()).toContain('\x1b[32mdone 2m31s\x1b[39m');
    expect(text()).toContain('\x1b[31mfailed\x1b[39m');
    expect(text()).not.toMatch(/\x1b\[[0-9;]*[A-HJKG]/);
    expect(text()).not.toContain('\r');
  });
});
