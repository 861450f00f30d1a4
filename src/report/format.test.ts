import { describe, expect, it } from 'vitest';
import { createPaint, describeError, formatBytes, formatProgress, messageLine, shortJobId, summaryLine } from './format.js';
import type { RunSummary } from './types.js';

const summary: RunSummary = {
  created: 2,
  replaced: 1,
  resumed: 0,
  retried: 0,
  fetched: 1,
  reused: 0,
  kept: 37,
  failed: 0,
  pending: 0,
  skipped: 0,
  notPushed: 0,
  videoSeconds: 48,
  wallMs: 192_000,
  interrupted: false,
};

describe('formatBytes', () => {
  it('uses decimal units with one decimal above a kilobyte', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(850)).toBe('850 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(12_100_000)).toBe('12.1 MB');
    expect(formatBytes(1_234_567_890)).toBe('1.2 GB');
  });

  it('moves to the next unit when rounding would print 1000', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(999_940)).toBe('999.9 kB');
  });

  it('never prints nonsense for bad input', () => {
    expect(formatBytes(Number.NaN)).toBe('0 B');
    expect(formatBytes(-5)).toBe('0 B');
  });
});

describe('summaryLine', () => {
  it('says what the run did, in one line', () => {
    expect(summaryLine(summary)).toBe(
      'Done in 3m12s: 2 created, 1 replaced, 0 resumed, 0 retried, 1 fetched, 0 reused, 37 kept, 0 failed; 48 s of video.',
    );
  });

  it('says what is still running remotely and that the run was interrupted', () => {
    const line = summaryLine({ ...summary, pending: 3, interrupted: true, wallMs: 5_000 });
    expect(line).toBe(
      'Interrupted after 5s: 2 created, 1 replaced, 0 resumed, 0 retried, 1 fetched, 0 reused, 37 kept, 0 failed; 48 s of video. 3 still running remotely; the next apply collects them.',
    );
    expect(summaryLine({ ...summary, pending: 1 })).toContain('1 still running remotely; the next apply collects it.');
  });

  it('says how many outputs the store still lacks, and how to fix it', () => {
    expect(summaryLine({ ...summary, reused: 2, notPushed: 2 })).toBe(
      'Done in 3m12s: 2 created, 1 replaced, 0 resumed, 0 retried, 1 fetched, 2 reused, 37 kept, 0 failed; 48 s of video. 2 outputs are not in the store yet (kept on disk); `videogen push` uploads them.',
    );
  });

  it('says what was spent, and that an emulated run billed nothing', () => {
    const cost = { usd: 4, reported: 0, unknown: 3, currency: 'USD' as const };
    expect(summaryLine({ ...summary, cost })).toContain('; 48 s of video. Spent about $4.00 + 3 jobs of unknown price.');
    expect(summaryLine({ ...summary, cost: { ...cost, usd: 0 } })).toContain('Spent an unknown amount (3 jobs of unknown price).');
    expect(summaryLine({ ...summary, cost: { ...cost, reported: 4, unknown: 0 } })).toContain('Spent about $4.00 (as reported by the provider).');
    expect(summaryLine({ ...summary, cost: { ...cost, emulated: true } })).toContain(
      'On the real APIs this would have cost about $4.00 + 3 jobs of unknown price (emulated: nothing was billed).',
    );
  });

  it('writes long video totals as a duration', () => {
    expect(summaryLine({ ...summary, videoSeconds: 125 })).toContain('; 2m05s of video.');
  });
});

describe('small helpers', () => {
  it('describes errors by code and message', () => {
    expect(describeError({ code: 'VIDEOGEN_HTTP_AUTH', message: 'key rejected' })).toBe('VIDEOGEN_HTTP_AUTH: key rejected');
    expect(describeError(undefined)).toBe('failed');
    expect(describeError({ code: 'VIDEOGEN_HTTP_AUTH', message: 'key rejected', hint: 'check $HEYGEN_API_KEY' })).toBe(
      'VIDEOGEN_HTTP_AUTH: key rejected (hint: check $HEYGEN_API_KEY)',
    );
  });

  it('shortens long job ids only', () => {
    expect(shortJobId('node-gw-abc')).toBe('node-gw-abc');
    expect(shortJobId('video_68d7512d07848190b3e45da0ecbebcde')).toBe('video_68d7512…');
  });

  it('clamps progress', () => {
    expect(formatProgress(45.4)).toBe('45%');
    expect(formatProgress(140)).toBe('100%');
    expect(formatProgress(undefined)).toBe('');
  });

  it('paints only when colour is on', () => {
    expect(createPaint(false).red('x')).toBe('x');
    expect(createPaint(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(messageLine({ level: 'warn', text: 'slow' }, createPaint(false))).toBe('warning: slow');
    expect(messageLine({ level: 'error', text: 'bad' }, createPaint(false))).toBe('error: bad');
    expect(messageLine({ level: 'info', text: 'hello' }, createPaint(false))).toBe('hello');
  });
});
