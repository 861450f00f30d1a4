import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../http/client.js';
import type { ProviderConfig } from '../manifest/types.js';
import { createProvider, providerTypes } from './registry.js';

const http = new HttpClient();
afterAll(() => http.close());

function config(type: string): ProviderConfig {
  return {
    name: 'p',
    type,
    baseUrl: 'http://127.0.0.1:9',
    apiKeyEnv: 'KEY',
    concurrency: 1,
    emulate: false,
    settings: {},
    poll: { initialMs: 1, maxMs: 1 },
    timeoutMs: 1,
    downloadTimeoutMs: 1,
  };
}

describe('createProvider', () => {
  it('knows the built-in provider types', () => {
    expect(providerTypes()).toEqual(expect.arrayContaining(['heygen', 'openai-videos', 'heygen-v3', 'fal']));
  });

  it.each(['heygen', 'openai-videos', 'heygen-v3', 'fal'])('builds a %s provider carrying its config', async (type) => {
    const provider = await createProvider(config(type), { http, apiKey: 'k-registry-123456' });
    expect(provider.type).toBe(type);
    expect(provider.config.type).toBe(type);
  });

  it('registers the key with the HTTP client so its errors redact it', async () => {
    await createProvider(config('heygen'), { http, apiKey: 'plain-key-without-prefix-42' });
    expect(http.redact('failed with plain-key-without-prefix-42')).not.toContain('plain-key-without-prefix-42');
  });

  it('refuses an unknown type with a stable code, including inherited property names', async () => {
    await expect(createProvider(config('no-such-api'), { http, apiKey: 'k' })).rejects.toMatchObject({ code: 'VIDEOGEN_PROVIDER_UNKNOWN' });
    await expect(createProvider(config('toString'), { http, apiKey: 'k' })).rejects.toMatchObject({ code: 'VIDEOGEN_PROVIDER_UNKNOWN' });
  });
});
