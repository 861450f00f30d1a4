import { describe, expect, it } from 'vitest';
import { captureStream } from '../../test/helpers/report.js';
import { chooseReporter, colorEnabled } from './choose-reporter.js';

const fakeStream = (isTTY: boolean) => captureStream({ isTTY, columns: 100, rows: 40 });

describe('colorEnabled', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  it('follows the terminal by default', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('turns colour off for any non-empty NO_COLOR, even when forced', () => {
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: 'yes', FORCE_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('honours FORCE_COLOR both ways', () => {
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });
});

describe('chooseReporter', () => {
  const message = { level: 'warn', text: 'slow provider' } as const;

  it('writes NDJSON on stdout for --json, even in a terminal', async () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const reporter = await chooseReporter({ json: true, isTTY: true, color: true, stdout: stdout.stream, stderr: stderr.stream });
    reporter.onMessage?.(message);
    await reporter.close?.();
    expect(JSON.parse(stdout.text())).toEqual({ type: 'message', ...message });
    expect(stderr.text()).toBe('');
  });

  it('writes plain lines without a terminal', async () => {
    const stdout = fakeStream(false);
    const stderr = fakeStream(false);
    const reporter = await chooseReporter({ json: false, isTTY: false, color: false, stdout: stdout.stream, stderr: stderr.stream });
    reporter.onMessage?.(message);
    await reporter.close?.();
    expect(stdout.text()).toBe('warning: slow provider\n');
  });

  it('falls back to plain lines in a terminal that reports no width', async () => {
    const stdout = fakeStream(true);
    Object.assign(stdout.stream, { columns: 0 });
    const reporter = await chooseReporter({ json: false, isTTY: true, color: false, stdout: stdout.stream, stderr: fakeStream(true).stream });
    reporter.onMessage?.(message);
    await reporter.close?.();
    expect(stdout.text()).toBe('warning: slow provider\n');
  });

  it('draws with listr2 in a terminal', async () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const reporter = await chooseReporter({ json: false, isTTY: true, color: false, stdout: stdout.stream, stderr: stderr.stream });
    reporter.onPlan?.({
      version: 1,
      actions: [{ id: 'a', action: 'create', reason: 'new', provider: 'heygen' }],
      summary: { create: 1, replace: 0, resume: 0, retry: 0, fetch: 0, reuse: 0, keep: 0, orphan: 0, skipped: 0, changes: 1 },
    });
    reporter.onShot?.({ id: 'a', action: 'create', state: 'completed', ts: new Date().toISOString(), elapsedMs: 2000 });
    await reporter.close?.();
    // Cursor hidden while drawing and shown again: the live view, not plain lines.
    expect(stdout.text()).toContain('\x1b[?25l');
    expect(stdout.text()).toContain('\x1b[?25h');
    expect(stdout.text()).toContain('a  done 2s');
  });
});
