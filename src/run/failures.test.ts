import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors.js';
import { isDefinitelyGone, isGoneError, wasRefused } from './failures.js';

const http = (status: number, kind: ConstructorParameters<typeof HttpError>[0] = 'client', retryAfterMs?: number) =>
  new HttpError(kind, `HTTP ${status}`, { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe('wasRefused', () => {
  it('takes a 4xx or a 503 asking to come back as "nothing was created", anything else as "maybe"', () => {
    expect(wasRefused(http(400))).toBe(true);
    expect(wasRefused(http(429, 'rate_limit'))).toBe(true);
    expect(wasRefused(http(503, 'server', 1000))).toBe(true);
    expect(wasRefused(http(503, 'server'))).toBe(false);
    expect(wasRefused(http(500, 'server'))).toBe(false);
    expect(wasRefused(new Error('socket hang up'))).toBe(false);
  });

  it('keeps a keyed submission answered 409 (request in progress) as "maybe": its job is being made', () => {
    expect(wasRefused(http(409))).toBe(true);
    expect(wasRefused(http(409), true)).toBe(false);
  });
});

describe('gone videos', () => {
  it('asks for a fresh URL on 403/404/410, but calls a video gone only on 404/410', () => {
    expect([403, 404, 410, 500].map((status) => isGoneError(http(status)))).toEqual([true, true, true, false]);
    expect([403, 404, 410].map((status) => isDefinitelyGone(http(status)))).toEqual([false, true, true]);
  });
});
