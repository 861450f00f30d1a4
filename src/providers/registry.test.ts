import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../http/client.js';
import type { ProviderConfig, ProviderType } from '../manifest/types.js';
import { PROVIDER_TYPES as MANIFEST_PROVIDER_TYPES } from '../manifest/capabilities.js';
import { createProvider, PROVIDER_TYPES } from './registry.js';

const http = new HttpClient();
afterAll(() => http.close());

function config(type: string): ProviderConfig {
  return {
    name: 'p',
    type: type as ProviderType,
    baseUrl: 'http://127.0.0.1:9',
    apiKeyEnv: 'KEY',
    concurrency: 1,
    emulate: false,
    referenceFormat: 'multipart',
    poll: { initialMs: 1, maxMs: 1 },
    timeoutMs: 1,
    downloadTimeoutMs: 1,
  };
}

describe('createProvider', () => {
  it('knows both provider types', () => {
    expect([...PROVIDER_TYPES].sort()).toEqual(['heygen', 'openai-videos']);
  });

  it('agrees with the types the manifest accepts', () => {
    expect([...PROVIDER_TYPES].sort()).toEqual([...MANIFEST_PROVIDER_TYPES].sort());
  });

  it.each(['heygen', 'openai-videos'])('builds a %s provider carrying its config', (type) => {
    const provider = createProvider(config(type), { http, apiKey: 'k-registry-123456' });
    expect(provider.type).toBe(type);
    expect(provider.config.type).toBe(type);
  });

  it('registers the key with the HTTP client so its errors redact it', () => {
    createProvider(config('heygen'), { http, apiKey: 'plain-key-without-prefix-42' });
    expect(http.redact('failed with plain-key-without-prefix-42')).not.toContain('plain-key-without-prefix-42');
  });

  it('refuses an unknown type with a stable code, including inherited property names', () => {
    expect(() => createProvider(config('fal'), { http, apiKey: 'k' })).toThrow(
      expect.objectContaining({ code: 'VIDEOGEN_PROVIDER_UNKNOWN' }),
    );
    expect(() => createProvider(config('toString'), { http, apiKey: 'k' })).toThrow(
      expect.objectContaining({ code: 'VIDEOGEN_PROVIDER_UNKNOWN' }),
    );
  });
});
