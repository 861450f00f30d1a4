import { describe, expect, it } from 'vitest';
import { captureStream, runSummary } from '../../test/helpers/report.js';
import type { Plan, PlanAction } from '../plan/types.js';
import { createListrReporter } from './listr-reporter.js';
import type { ShotEvent } from './types.js';

/** A stream that looks like a terminal to listr2 and log-update, and remembers what was drawn. */
const fakeTerminal = () => captureStream({ isTTY: true, columns: 120, rows: 40 });

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const SGR = /\x1b\[[0-9;]*m/;

const planOf = (actions: PlanAction[]): Plan => ({
  version: 1,
  actions,
  summary: { create: 0, replace: 0, resume: 0, retry: 0, fetch: 0, reuse: 0, keep: 0, orphan: 0, skipped: 0, changes: actions.length },
});

const summary = runSummary({ created: 1, kept: 1, failed: 1, pending: 1, videoSeconds: 8, wallMs: 192_000 });

const ev = (id: string, state: ShotEvent['state'], extra: Partial<ShotEvent> = {}): ShotEvent => ({
  id,
  action: 'create',
  state,
  ts: new Date().toISOString(),
  ...extra,
});

/** Waits (up to 2 s) until the terminal shows `pattern`: listr2 paints on its own clock. */
async function until(term: { text: () => string }, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 400 && !pattern.test(stripAnsi(term.text())); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(stripAnsi(term.text())).toMatch(pattern);
}

/** listr2 starts drawing (hiding the cursor) only after a few async imports. */
const untilDrawing = (term: { text: () => string }) => until({ text: () => JSON.stringify(term.text()) }, /u001b\[\?25l/);


describe('createListrReporter', () => {
  it('draws a task per shot, fails failed shots without stopping the others, and closes cleanly', async () => {
    const term = fakeTerminal();
    const err = fakeTerminal();
    const reporter = createListrReporter({ color: false, out: term.stream, err: err.stream });
    reporter.onPlan?.(
      planOf([
        { id: 'coastal-city', action: 'create', reason: 'new', provider: 'heygen' },
        { id: 'hero', action: 'replace', reason: 'prompt changed', provider: 'openai' },
        { id: 'forest', action: 'resume', reason: 'submitted', provider: 'heygen', job_id: 'job-f' },
        { id: 'old', action: 'keep', reason: 'intact', provider: 'heygen' },
      ]),
    );
    for (const id of ['coastal-city', 'hero', 'forest']) reporter.onShot?.(ev(id, 'queued'));
    await untilDrawing(term);
    reporter.onShot?.(ev('coastal-city', 'submitting', { provider: 'heygen' }));
    reporter.onShot?.(ev('coastal-city', 'submitted', { provider: 'heygen', jobId: 'node-gw-abc' }));
    reporter.onShot?.(ev('forest', 'running', { action: 'resume', jobId: 'job-f', progress: 10 }));
    for (const progress of [10, 45, 90]) reporter.onShot?.(ev('coastal-city', 'running', { progress }));
    // The live title follows the shot through submission and progress.
    await until(term, /coastal-city {2}submitted node-gw-abc · running 90% · \d+s/);
    reporter.onShot?.(ev('hero', 'failed', { error: { code: 'VIDEOGEN_HTTP_AUTH', message: 'the API key was rejected' } }));
    reporter.onMessage?.({ level: 'warn', text: 'heygen: rate limited' });
    reporter.onShot?.(ev('coastal-city', 'downloading', { bytes: 5_000_000 }));
    reporter.onShot?.(ev('coastal-city', 'completed', { bytes: 12_100_000, elapsedMs: 151_000 }));
    reporter.onShot?.(ev('forest', 'pending', { action: 'resume', jobId: 'job-f' }));
    reporter.onSummary?.(summary);
    await expect(reporter.close?.()).resolves.toBeUndefined();

    const raw = term.text();
    expect(raw).not.toMatch(SGR);
    const text = stripAnsi(raw);
    expect(text).toContain('coastal-city  done 2m31s · 12.1 MB');
    expect(text).toContain('hero          failed  VIDEOGEN_HTTP_AUTH: the API key was rejected');
    expect(text).toContain('forest        still running remotely (job job-f); the next apply collects it');
    // listr2 wraps long titles at the terminal width; compare the words.
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Done in 3m12s: 1 created, 0 replaced, 0 resumed, 0 retried, 0 fetched, 0 reused, 1 kept, 1 failed; 8 s of video.',
    );
    expect(text).toContain('warning: heygen: rate limited');
    // The kept shot does no work and gets no task.
    expect(text).not.toMatch(/^\s*\S+ old\b/m);
  });

  it('shows only active shots when there are many, and lists failures under the final frame', async () => {
    const term = fakeTerminal();
    const err = fakeTerminal();
    const reporter = createListrReporter({ color: false, out: term.stream, err: err.stream });
    // 300 shots: listr2's own redraw-per-event made this take minutes; it must stay well under a second.
    const ids = Array.from({ length: 300 }, (_, i) => `shot-${String(i).padStart(2, '0')}`);
    reporter.onPlan?.(planOf(ids.map((id) => ({ id, action: 'create', reason: 'new', provider: 'heygen' }))));
    await untilDrawing(term);
    reporter.onShot?.(ev('shot-00', 'running', { jobId: 'job-0', progress: 50 }));
    await until(term, /shot-00 +submitted job-0 · running 50%/);
    // Only the active shot is listed; the 299 queued ones are a count in the header.
    expect(stripAnsi(term.text())).not.toMatch(/shot-\d+ +queued/);
    expect(stripAnsi(term.text())).toMatch(/Applying 300 shots: 0\/300 done · 1 active · 299 queued/);
    for (const id of ids) {
      reporter.onShot?.(ev(id, 'submitted', { jobId: `job-${id}` }));
      if (id === 'shot-07') {
        reporter.onShot?.(ev(id, 'failed', { error: { code: 'VIDEOGEN_JOB_FAILED', message: 'moderation' } }));
      } else {
        reporter.onShot?.(ev(id, 'completed', { bytes: 1000 }));
      }
    }
    reporter.onSummary?.({ ...summary, created: 299, failed: 1, pending: 0 });
    await reporter.close?.();

    const text = stripAnsi(term.text());
    expect(text).not.toMatch(/shot-\d+\s+done/);
    expect(text).toMatch(/\n✖ shot-07 +failed  VIDEOGEN_JOB_FAILED: moderation\n/);
    expect(text).toContain('Done in 3m12s: 299 created');
  }, 10_000);

  it('keeps a run of 20,000 shots to a few lanes: the header counts the rest, failures come after', async () => {
    const term = fakeTerminal();
    const reporter = createListrReporter({ color: false, out: term.stream, err: fakeTerminal().stream });
    const ids = Array.from({ length: 20_000 }, (_, i) => `shot-${i}`);
    reporter.onPlan?.(planOf(ids.map((id) => ({ id, action: 'create', reason: 'new', provider: 'heygen' }))));
    await untilDrawing(term);
    // 1000 in flight at a time, as apply --concurrency 1000 would have them.
    for (let wave = 0; wave < ids.length; wave += 1000) {
      const batch = ids.slice(wave, wave + 1000);
      for (const id of batch) reporter.onShot?.(ev(id, 'submitted', { jobId: `job-${id}` }));
      if (wave === 0) await until(term, /0\/20000 done · 1000 active \(30 shown\) · 19000 queued/);
      for (const id of batch) {
        if (id.endsWith('777')) reporter.onShot?.(ev(id, 'failed', { error: { code: 'VIDEOGEN_JOB_FAILED', message: 'moderation' } }));
        else reporter.onShot?.(ev(id, 'completed', { bytes: 1000 }));
      }
    }
    reporter.onSummary?.({ ...summary, created: 19_980, failed: 20, pending: 0 });
    await reporter.close?.();
    const text = stripAnsi(term.text());
    expect(text.match(/^✖ shot-\d*777 +failed {2}VIDEOGEN_JOB_FAILED: moderation$/gm)).toHaveLength(20);
    expect(text).toContain('Done in 3m12s: 19980 created');
  }, 30_000);

  it('settles shots the run never finished when closed without a summary', async () => {
    const term = fakeTerminal();
    const err = fakeTerminal();
    const reporter = createListrReporter({ color: true, out: term.stream, err: err.stream });
    reporter.onPlan?.(planOf([
      { id: 'a', action: 'create', reason: 'new', provider: 'heygen' },
      { id: 'b', action: 'create', reason: 'new', provider: 'heygen' },
    ]));
    reporter.onShot?.(ev('a', 'running', { jobId: 'job-a', progress: 20 }));
    await reporter.close?.();
    const text = stripAnsi(term.text());
    expect(text).toContain('a  stopped while running');
    expect(text).toMatch(/Applying 2 shots: 0\/2 done/);
  });

  it('prints just the summary when the plan has no work, without starting listr2', async () => {
    const term = fakeTerminal();
    const reporter = createListrReporter({ color: false, out: term.stream, err: fakeTerminal().stream });
    reporter.onPlan?.(planOf([{ id: 'old', action: 'keep', reason: 'intact', provider: 'heygen' }]));
    reporter.onSummary?.({ ...summary, created: 0, failed: 0, pending: 0 });
    await reporter.close?.();
    expect(term.text()).toBe('Done in 3m12s: 0 created, 0 replaced, 0 resumed, 0 retried, 0 fetched, 0 reused, 1 kept, 0 failed; 8 s of video.\n');
  });
});
