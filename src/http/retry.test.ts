import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelay, retryDelayAfter, shouldRetry, type Outcome } from './retry.js';
import type { RetryMode } from './types.js';

const policy = DEFAULT_RETRY_POLICY;
const NOW = Date.parse('2026-01-01T00:00:00Z');

const response = (status: number, headers: Record<string, string> = {}): Outcome => ({ kind: 'response', status, headers });
const network = (code: string, requestSent: boolean): Outcome => ({ kind: 'network', code, requestSent });
const timeout = (phase: 'connect' | 'headers' | 'body'): Outcome => ({ kind: 'timeout', phase });

describe('shouldRetry', () => {
  // [outcome, idempotent, submit, none]
  const table: Array<[string, Outcome, boolean, boolean]> = [
    ['200', response(200), false, false],
    ['400', response(400), false, false],
    ['401', response(401), false, false],
    ['402', response(402), false, false],
    ['404', response(404), false, false],
    ['408', response(408), true, false],
    ['409', response(409), true, false],
    ['429', response(429), true, true],
    ['429 with Retry-After', response(429, { 'retry-after': '2' }), true, true],
    ['500', response(500), true, false],
    ['502', response(502), true, false],
    ['503 without Retry-After', response(503), true, false],
    ['503 with Retry-After', response(503, { 'retry-after': '3' }), true, true],
    ['503 with retry-after-ms', response(503, { 'retry-after-ms': '250' }), true, true],
    ['503 with an unparseable Retry-After', response(503, { 'retry-after': 'soon' }), true, false],
    ['504', response(504), true, false],
    ['ECONNREFUSED (not sent)', network('ECONNREFUSED', false), true, true],
    ['ENOTFOUND (not sent)', network('ENOTFOUND', false), true, true],
    ['EAI_AGAIN (not sent)', network('EAI_AGAIN', false), true, true],
    ['ECONNRESET after send', network('ECONNRESET', true), true, false],
    ['UND_ERR_SOCKET after send', network('UND_ERR_SOCKET', true), true, false],
    ['connect timeout', timeout('connect'), true, true],
    ['headers timeout', timeout('headers'), true, false],
    ['body timeout', timeout('body'), true, false],
    ['x-should-retry: true on 400', response(400, { 'x-should-retry': 'true' }), true, false],
    ['x-should-retry: true on 500', response(500, { 'x-should-retry': 'true' }), true, false],
    ['x-should-retry: false on 500', response(500, { 'x-should-retry': 'false' }), false, false],
    ['x-should-retry: false on 429', response(429, { 'x-should-retry': 'false' }), false, false],
  ];

  it.each(table)('%s → idempotent %s, submit %s, none never', (_name, outcome, idempotent, submit) => {
    expect(shouldRetry('idempotent', outcome, 1, policy, NOW)).toBe(idempotent);
    expect(shouldRetry('submit', outcome, 1, policy, NOW)).toBe(submit);
    expect(shouldRetry('none', outcome, 1, policy, NOW)).toBe(false);
  });

  // The same key replays the first answer, so a keyed submit may be repeated wherever a GET may.
  it.each(table)('%s → keyed-submit like idempotent', (_name, outcome, idempotent) => {
    expect(shouldRetry('keyed-submit', outcome, 1, policy, NOW)).toBe(idempotent);
  });

  it('stops at maxAttempts', () => {
    const modes: RetryMode[] = ['idempotent', 'submit', 'keyed-submit'];
    for (const mode of modes) {
      expect(shouldRetry(mode, response(429), 4, policy, NOW)).toBe(true);
      expect(shouldRetry(mode, response(429), 5, policy, NOW)).toBe(false);
      expect(shouldRetry(mode, response(429), 9, policy, NOW)).toBe(false);
    }
    expect(shouldRetry('idempotent', response(500), 2, { ...policy, maxAttempts: 2 }, NOW)).toBe(false);
  });

  it('fails fast when the server asks to wait longer than maxRetryAfterMs', () => {
    const yearSeconds = String(365 * 24 * 3600);
    expect(shouldRetry('idempotent', response(429, { 'retry-after': yearSeconds }), 1, policy, NOW)).toBe(false);
    expect(shouldRetry('submit', response(429, { 'retry-after': yearSeconds }), 1, policy, NOW)).toBe(false);
    expect(shouldRetry('submit', response(503, { 'retry-after': yearSeconds }), 1, policy, NOW)).toBe(false);
    const nextYear = new Date(NOW + 365 * 24 * 3600 * 1000).toUTCString();
    expect(shouldRetry('idempotent', response(503, { 'retry-after': nextYear }), 1, policy, NOW)).toBe(false);
    expect(shouldRetry('idempotent', response(429, { 'retry-after-ms': String(10 * 60_000) }), 1, policy, NOW)).toBe(false);
    // Exactly at the limit is still fine.
    expect(shouldRetry('idempotent', response(429, { 'retry-after': '300' }), 1, policy, NOW)).toBe(true);
  });

  it('reads header names case-insensitively', () => {
    expect(shouldRetry('submit', response(503, { 'Retry-After': '1' }), 1, policy, NOW)).toBe(true);
    expect(shouldRetry('idempotent', response(500, { 'X-Should-Retry': 'false' }), 1, policy, NOW)).toBe(false);
  });
});

describe('retryDelay', () => {
  const half = (): number => 0.5;

  it('prefers retry-after-ms over Retry-After', () => {
    expect(retryDelay(1, { 'retry-after-ms': '1500', 'retry-after': '9' }, policy, half, NOW)).toBe(1500);
    expect(retryDelay(1, { 'retry-after-ms': '12.3' }, policy, half, NOW)).toBe(13);
  });

  it('reads Retry-After as seconds', () => {
    expect(retryDelay(1, { 'retry-after': '7' }, policy, half, NOW)).toBe(7000);
    expect(retryDelay(3, { 'retry-after': '0' }, policy, half, NOW)).toBe(0);
  });

  it('reads Retry-After as an HTTP date relative to now', () => {
    const inTenSeconds = new Date(NOW + 10_000).toUTCString();
    expect(retryDelay(1, { 'retry-after': inTenSeconds }, policy, half, NOW)).toBe(10_000);
    const past = new Date(NOW - 60_000).toUTCString();
    expect(retryDelay(1, { 'retry-after': past }, policy, half, NOW)).toBe(0);
  });

  it('falls back to jitter for garbage headers', () => {
    expect(retryDelay(1, { 'retry-after': 'later', 'retry-after-ms': '-5' }, policy, half, NOW)).toBe(250);
  });

  it('never sleeps longer than maxRetryAfterMs', () => {
    expect(retryDelay(1, { 'retry-after': '999999' }, policy, half, NOW)).toBe(policy.maxRetryAfterMs);
  });

  it('uses full jitter within min(cap, base * 2^(attempt-1))', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      expect(retryDelay(attempt, undefined, policy, () => 0, NOW)).toBe(0);
      expect(retryDelay(attempt, {}, policy, () => 0.999999, NOW)).toBeLessThan(ceiling);
      expect(retryDelay(attempt, {}, policy, () => 0.999999, NOW)).toBeGreaterThanOrEqual(ceiling - 1);
      const sample = retryDelay(attempt, undefined, policy, Math.random, NOW);
      expect(sample).toBeGreaterThanOrEqual(0);
      expect(sample).toBeLessThan(ceiling);
    }
    expect(retryDelay(1, undefined, policy, half, NOW)).toBe(250);
    expect(retryDelay(3, undefined, policy, half, NOW)).toBe(1000);
    expect(retryDelay(30, undefined, policy, () => 0.999999, NOW)).toBeLessThanOrEqual(30_000);
  });
});

describe('retryDelayAfter', () => {
  const none = (): number => 0;

  it('waits the whole backoff step after a 409 to a keyed submit: the first request is still being processed', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayAfter('keyed-submit', response(409), attempt, policy, none, NOW))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayAfter('keyed-submit', response(409), 20, policy, none, NOW)).toBe(policy.capDelayMs);
  });

  it('lets the server say how long the first request still takes', () => {
    expect(retryDelayAfter('keyed-submit', response(409, { 'retry-after': '3' }), 1, policy, none, NOW)).toBe(3000);
  });

  it('jitters everything else as retryDelay does', () => {
    expect(retryDelayAfter('idempotent', response(409), 3, policy, none, NOW)).toBe(0);
    expect(retryDelayAfter('keyed-submit', response(503), 3, policy, none, NOW)).toBe(0);
    expect(retryDelayAfter('keyed-submit', network('ECONNRESET', true), 3, policy, () => 0.5, NOW)).toBe(1000);
    expect(retryDelayAfter('submit', response(429, { 'retry-after': '2' }), 1, policy, none, NOW)).toBe(2000);
  });
});
