import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isInside } from './media-files.js';
import { parseRange } from './media-response.js';
import { relativeUrl } from './static-report.js';

describe('serving and linking videos', () => {
  it('answers the byte ranges a <video> asks for, and sends everything for what it cannot parse', () => {
    expect(parseRange('bytes=0-1', 10)).toEqual([0, 1]);
    expect(parseRange('bytes=4-', 10)).toEqual([4, 9]);
    expect(parseRange('bytes=-3', 10)).toEqual([7, 9]);
    expect(parseRange('bytes=5-500', 10)).toEqual([5, 9]);
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=6-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    for (const whole of [undefined, '', 'bytes=-', 'bytes=0-1,4-5', 'items=0-1']) expect(parseRange(whole, 10)).toBeUndefined();
  });

  it('keeps files inside their folder, lexically', () => {
    expect(isInside('/p/out', '/p/out/a.mp4')).toBe(true);
    expect(isInside('/p/out', '/p/out/loops/a.mp4')).toBe(true);
    expect(isInside('/p/out', '/p/out')).toBe(false);
    expect(isInside('/p/out', '/p/out/../shots.yaml')).toBe(false);
    expect(isInside('/p/out', '/p/outside/a.mp4')).toBe(false);
    expect(isInside('/p/out', '/p/out/..a.mp4')).toBe(true);
  });

  it('links a static report to videos relative to its own folder, URL-encoded', () => {
    expect(relativeUrl('/p', join('/p', 'out', 'a.mp4'))).toBe('out/a.mp4');
    expect(relativeUrl('/p/report', join('/p', 'out', 'hero shot#1.mp4'))).toBe('../out/hero%20shot%231.mp4');
  });
});
