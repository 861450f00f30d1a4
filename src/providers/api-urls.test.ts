import { describe, expect, it } from 'vitest';
import { sameOrigin } from '../util/base-url.js';
import { urlUnderBase } from './api-urls.js';

describe('urlUnderBase', () => {
  const base = 'https://openrouter.ai/api/v1';

  it('resolves a relative URL against the origin, as OpenRouter documents for polling_url', () => {
    expect(urlUnderBase('/api/v1/videos/j1', base)).toBe('https://openrouter.ai/api/v1/videos/j1');
    expect(urlUnderBase('https://openrouter.ai/api/v1/videos/j1/content?index=0', base)).toBe('https://openrouter.ai/api/v1/videos/j1/content?index=0');
  });

  it('gives nothing for another origin, another scheme or port, or a path outside the base', () => {
    expect(urlUnderBase('https://cdn.example.com/api/v1/videos/j1', base)).toBeUndefined();
    expect(urlUnderBase('http://openrouter.ai/api/v1/videos/j1', base)).toBeUndefined();
    expect(urlUnderBase('https://openrouter.ai:8443/api/v1/videos/j1', base)).toBeUndefined();
    expect(urlUnderBase('/api/v2/videos/j1', base)).toBeUndefined();
    expect(urlUnderBase('/api/v1/../../elsewhere', base)).toBeUndefined();
    expect(urlUnderBase('/api/v1', base)).toBeUndefined();
  });

  it('keeps a gateway prefix: the API’s own absolute path would bypass it', () => {
    const gateway = 'https://gw.example.com/openrouter/api/v1';
    expect(urlUnderBase('/api/v1/videos/j1', gateway)).toBeUndefined();
    expect(urlUnderBase('/openrouter/api/v1/videos/j1', gateway)).toBe('https://gw.example.com/openrouter/api/v1/videos/j1');
  });

  it('gives nothing for what is no URL at all', () => {
    for (const given of [undefined, null, '', 'http://[bad']) expect(urlUnderBase(given, base)).toBeUndefined();
    expect(urlUnderBase('/api/v1/videos/j1', 'not a base')).toBeUndefined();
  });
});

describe('sameOrigin', () => {
  it('compares scheme, host and port', () => {
    expect(sameOrigin('https://a.example/x', 'https://a.example/y?z')).toBe(true);
    expect(sameOrigin('https://a.example/x', 'https://a.example:444/x')).toBe(false);
    expect(sameOrigin('https://a.example/x', 'nonsense')).toBe(false);
  });
});
