import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../manifest/types.js';
import type { ShotRequest } from '../module.js';
import { replicateModule } from './index.js';
import { parseReplicateModel } from './models.js';

const config: ProviderConfig = {
  name: 'rep',
  type: 'replicate',
  baseUrl: 'https://api.replicate.com/v1',
  apiKeyEnv: 'REPLICATE_API_TOKEN',
  concurrency: 1,
  emulate: false,
  settings: {},
  poll: { initialMs: 1, maxMs: 1 },
  timeoutMs: 1,
  downloadTimeoutMs: 1,
};
const VERSION = '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa';

const check = (shot: Partial<ShotRequest>) => replicateModule.checkShot({ prompt: 'p', ...shot }, config);
const fields = (problems: { field: string; optionKey?: string }[]) => problems.map((p) => p.optionKey ?? p.field);
const spec = (shot: Partial<ShotRequest>) => replicateModule.spec({ prompt: 'p', ...shot }, config);

describe('replicate model names', () => {
  it('reads owner/name, owner/name:version and a bare version id', () => {
    expect(parseReplicateModel('google/veo-3.1')).toEqual({ kind: 'model', owner: 'google', name: 'veo-3.1' });
    expect(parseReplicateModel(`someone/model:${VERSION}`)).toEqual({ kind: 'version', owner: 'someone', name: 'model', version: VERSION });
    expect(parseReplicateModel(VERSION)).toEqual({ kind: 'version', version: VERSION });
    for (const wrong of ['veo-3.1', 'google/veo/3.1', 'google/', ':abc', 'a b/c']) expect(parseReplicateModel(wrong)).toBeUndefined();
  });

  it('refuses a model that is none of them, saying what is expected', () => {
    const problems = check({ model: 'veo-3.1' });
    expect(fields(problems)).toEqual(['model']);
    expect(problems[0]!.message).toContain('owner/name');
  });
});

describe('replicate checkShot', () => {
  it('takes what google/veo-3.1 documents, first and last frames included', () => {
    expect(check({ duration: 6, aspect_ratio: '9:16', resolution: '720p', audio: false, seed: 3, reference_image: 'a.png', tail_image: 'b.png' })).toEqual([]);
  });

  it('refuses values outside google/veo-3.1\'s lists, and `size`', () => {
    const problems = check({ duration: 5, aspect_ratio: '1:1', resolution: '4k', size: '1280x720' });
    expect(fields(problems)).toEqual(['size', 'duration', 'aspect_ratio', 'resolution']);
    expect(problems.find((p) => p.field === 'duration')!.message).toBe('google/veo-3.1 takes a duration (seconds) of 4, 6, 8, not 5');
  });

  it('accepts an unknown model\'s values unchecked, but no last frame, which has no common input name', () => {
    expect(check({ model: 'someone/new-model', duration: 5, aspect_ratio: '1:1', resolution: '4k' })).toEqual([]);
    const problems = check({ model: `someone/model:${VERSION}`, tail_image: 'x.png' });
    expect(fields(problems)).toEqual(['tail_image']);
    expect(problems[0]!.hint).toContain('options');
  });

  it('refuses options that would override an input videogen sets', () => {
    expect(fields(check({ options: { generate_audio: false, last_frame: 'x', prompt: 'y', negative_prompt: 'blur' } }))).toEqual(['generate_audio', 'last_frame', 'prompt']);
    // An unknown model has no last_frame of videogen's: options may carry it.
    expect(check({ model: 'someone/new-model', options: { last_frame: 'https://example.com/x.png' } })).toEqual([]);
  });
});

describe('replicate spec', () => {
  it('writes google/veo-3.1\'s defaults out, so writing them changes nothing', () => {
    expect(spec({})).toEqual({
      provider: 'replicate',
      endpoint: 'https://api.replicate.com/v1',
      model: 'google/veo-3.1',
      prompt: 'p',
      duration: 8,
      aspect_ratio: '16:9',
      resolution: '1080p',
      audio: true,
    });
    expect(spec({ model: 'google/veo-3.1', duration: 8, aspect_ratio: '16:9', resolution: '1080p', audio: true })).toEqual(spec({}));
    expect(spec({ seed: 1 })).not.toEqual(spec({}));
  });

  it('leaves out what an unknown model\'s shot leaves out', () => {
    expect(spec({ model: 'someone/new-model', duration: 5 })).toEqual({
      provider: 'replicate',
      endpoint: 'https://api.replicate.com/v1',
      model: 'someone/new-model',
      prompt: 'p',
      duration: 5,
    });
  });
});
