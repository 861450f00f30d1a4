import { describe, expect, it } from 'vitest';
import { resolveProviders } from '../../manifest/provider-config.js';
import type { ProviderConfig } from '../../manifest/types.js';
import type { ShotRequest } from '../module.js';
import { vertexBaseUrl, vertexVeoModule } from './index.js';

const config: ProviderConfig = {
  name: 'veo',
  type: 'vertex-veo',
  baseUrl: 'https://us-central1-aiplatform.googleapis.com/v1',
  apiKeyEnv: 'GOOGLE_OAUTH_ACCESS_TOKEN',
  concurrency: 4,
  emulate: false,
  settings: { project: 'p-123456' },
  poll: { initialMs: 1, maxMs: 1 },
  timeoutMs: 1,
  downloadTimeoutMs: 1,
};
const check = (shot: Partial<ShotRequest>) => vertexVeoModule.checkShot({ prompt: 'p', ...shot }, config);
const fields = (problems: { field: string; optionKey?: string }[]) => problems.map((p) => p.optionKey ?? p.field);
const spec = (shot: Partial<ShotRequest>) => vertexVeoModule.spec({ prompt: 'A boat', ...shot }, config);

describe('vertex-veo endpoints', () => {
  it('maps a location to its host as Google\'s SDK does', () => {
    expect(vertexBaseUrl('us-central1')).toBe('https://us-central1-aiplatform.googleapis.com/v1');
    expect(vertexBaseUrl('europe-west4')).toBe('https://europe-west4-aiplatform.googleapis.com/v1');
    expect(vertexBaseUrl('global')).toBe('https://aiplatform.googleapis.com/v1');
    expect(vertexBaseUrl('eu')).toBe('https://aiplatform.eu.rep.googleapis.com/v1');
    expect(vertexBaseUrl('us')).toBe('https://aiplatform.us.rep.googleapis.com/v1');
  });

  it('derives base_url from `location` unless base_url is written; needs a project; checks storage_url like base_url', () => {
    const resolved = resolveProviders(
      {
        a: { type: 'vertex-veo', project: 'p-123456' },
        b: { type: 'vertex-veo', project: 'p-123456', location: 'global' },
        c: { type: 'vertex-veo', project: 'p-123456', location: 'global', base_url: 'http://127.0.0.1:9/v1' },
        d: { type: 'vertex-veo', storage_url: 'http://storage.example.com' },
      },
      new Set(),
    );
    expect(resolved.configs.get('a')?.baseUrl).toBe('https://us-central1-aiplatform.googleapis.com/v1');
    expect(resolved.configs.get('b')?.baseUrl).toBe('https://aiplatform.googleapis.com/v1');
    expect(resolved.configs.get('c')?.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(resolved.problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'providers.d.project: missing required key `project`: vertex-veo needs the Google Cloud project to bill',
      'providers.d.storage_url: storage_url must use https (the API key would cross the network unencrypted)',
    ]);
  });
});

describe('vertex-veo checkShot', () => {
  it('takes the documented durations, ratios and resolutions of Veo 3.1, and unknown models unchecked', () => {
    expect(check({ duration: 6, aspect_ratio: '9:16', resolution: '1080p', seed: 1, audio: false })).toEqual([]);
    expect(fields(check({ duration: 5, aspect_ratio: '1:1', resolution: '4k' }))).toEqual(['duration', 'aspect_ratio', 'resolution']);
    expect(check({ resolution: '4k' })[0]?.hint).toBe('4k is documented for the Gemini API, not for Vertex AI');
    expect(check({ model: 'veo-4.0-generate-001', duration: 10, aspect_ratio: '1:1' })).toEqual([]);
    expect(fields(check({ model: 'veo-4.0-generate-001', duration: 4.5 }))).toEqual(['duration']);
  });

  it('refuses size, https images and request fields smuggled through options', () => {
    const problems = check({
      size: '1280x720',
      reference_image: 'https://example.com/a.png',
      tail_image: 'sha256:abc',
      options: { durationSeconds: 4, sampleCount: 2, storageUri: 'gs://x/', negativePrompt: 'blur' },
    });
    expect(fields(problems)).toEqual(['size', 'reference_image', 'durationSeconds', 'sampleCount', 'storageUri']);
    expect(problems[1]?.hint).toContain('download the image');
  });

  it('leaves retired models to the retirement warning (Vertex answers them 404 anyway)', () => {
    expect(check({ model: 'veo-3.0-generate-001', duration: 5 })).toEqual([]);
    expect(vertexVeoModule.models.find((m) => m.id === 'veo-3.0-generate-001')?.retired).toMatchObject({ since: '2026-06-30', replacement: 'veo-3.1-generate-001' });
  });
});

describe('vertex-veo spec', () => {
  it('writes the defaults out, so writing them changes nothing', () => {
    expect(spec({})).toEqual({
      provider: 'vertex-veo',
      endpoint: 'https://us-central1-aiplatform.googleapis.com/v1',
      model: 'veo-3.1-fast-generate-001',
      prompt: 'A boat',
      aspect_ratio: '16:9',
      duration: 8,
      resolution: '720p',
      audio: true,
    });
    expect(spec({ model: 'veo-3.1-fast-generate-001', aspect_ratio: '16:9', duration: 8, resolution: '720p', audio: true })).toEqual(spec({}));
  });

  it('holds what changes the video and leaves out what is absent', () => {
    expect(spec({ seed: 7, audio: false, reference_image: 'sha256:aa', options: { negativePrompt: 'blur' } })).toMatchObject({ seed: 7, audio: false, reference_image: 'sha256:aa', options: { negativePrompt: 'blur' } });
    expect(spec({ model: 'veo-2.0-generate-001' })).not.toHaveProperty('audio');
    expect(spec({})).not.toHaveProperty('seed');
  });
});
