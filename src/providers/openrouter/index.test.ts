import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../manifest/types.js';
import type { ShotRequest } from '../module.js';
import { openRouterModule, openRouterResolution } from './index.js';

const config: ProviderConfig = {
  name: 'or',
  type: 'openrouter',
  baseUrl: 'https://openrouter.ai/api/v1',
  apiKeyEnv: 'OPENROUTER_API_KEY',
  concurrency: 4,
  emulate: false,
  settings: {},
  poll: { initialMs: 1, maxMs: 1 },
  timeoutMs: 1,
  downloadTimeoutMs: 1,
};

const check = (shot: Partial<ShotRequest>) => openRouterModule.checkShot({ prompt: 'p', model: 'google/veo-3.1-fast', ...shot }, config);
const spec = (shot: Partial<ShotRequest>) => openRouterModule.spec({ prompt: 'p', model: 'google/veo-3.1-fast', ...shot }, config);
const fields = (problems: { field: string; optionKey?: string }[]) => problems.map((p) => p.optionKey ?? p.field);

describe('openrouter checkShot', () => {
  it('takes every common field, unknown models included, with values from the documented enums', () => {
    expect(
      check({
        model: 'brand/new-model',
        duration: 7,
        resolution: '1080p',
        aspect_ratio: '21:9',
        seed: 3,
        audio: false,
        reference_image: 'a.png',
        tail_image: 'b.png',
        options: { provider: { options: { 'google-vertex': { parameters: { negativePrompt: 'rain' } } } } },
      }),
    ).toEqual([]);
    expect(check({ size: '1280x720', aspect_ratio: '16:9' })).toEqual([]);
  });

  it('wants a whole number of seconds, at least 1', () => {
    for (const duration of [7.5, 0.5]) {
      const problems = check({ duration });
      expect(fields(problems)).toEqual(['duration']);
      expect(problems[0]!.message).toContain('whole number of seconds');
    }
  });

  it("checks heygen-video-1's documented limits, and only its", () => {
    const model = 'heygen/heygen-video-1';
    expect(check({ model, duration: 5, resolution: '768p' })).toEqual([]);
    expect(check({ model, duration: 15, resolution: '480P' })).toEqual([]);
    const problems = check({ model, duration: 4, resolution: '1080p' });
    expect(fields(problems)).toEqual(['duration', 'resolution']);
    expect(problems[0]!.message).toBe('heygen/heygen-video-1 takes a duration (seconds) of 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, not 4');
    expect(problems[1]!.message).toBe('heygen/heygen-video-1 takes a resolution of 480p, 768p, not 1080p');
    // Other models' limits are not documented: the API decides.
    expect(check({ model: 'google/veo-3.1', duration: 5, resolution: '4k' })).toEqual([]);
  });

  it('refuses values outside the API enums, with a hint when one is close', () => {
    const problems = check({ resolution: '1440p', aspect_ratio: '5:4' });
    expect(fields(problems)).toEqual(['resolution', 'aspect_ratio']);
    expect(check({ resolution: '720' }).length).toBe(1);
    expect(check({ aspect_ratio: '9:12' })[0]!.hint).toMatch(/did you mean/);
  });

  it('refuses size together with resolution, and options that would override a shot field', () => {
    expect(fields(check({ size: '1280x720', resolution: '720p' }))).toEqual(['size']);
    const problems = check({ options: { duration: 8, frame_images: [], generate_audio: true, input_references: [], callback_url: 'https://x' } });
    expect(fields(problems)).toEqual(['duration', 'frame_images', 'generate_audio']);
    expect(problems[1]!.message).toContain('`reference_image` / `tail_image`');
  });
});

describe('openrouter spec', () => {
  it('holds exactly the fields sent, with the resolution spelled as the API spells it', () => {
    expect(spec({ duration: 8, resolution: '4k', aspect_ratio: '9:16', seed: 1, audio: true })).toEqual({
      provider: 'openrouter',
      endpoint: 'https://openrouter.ai/api/v1',
      model: 'google/veo-3.1-fast',
      prompt: 'p',
      duration: 8,
      resolution: '4K',
      aspect_ratio: '9:16',
      seed: 1,
      audio: true,
    });
    expect(spec({ resolution: '1080P' }).resolution).toBe(spec({ resolution: '1080p' }).resolution);
  });

  it('leaves absent fields out (their defaults are the model’s, not documented) and drops the ratio under a size', () => {
    expect(spec({})).toEqual({ provider: 'openrouter', endpoint: 'https://openrouter.ai/api/v1', model: 'google/veo-3.1-fast', prompt: 'p' });
    const sized = spec({ size: '1280x720', aspect_ratio: '16:9' });
    expect(sized.size).toBe('1280x720');
    expect('aspect_ratio' in sized).toBe(false);
    expect(spec({ audio: false }).audio).toBe(false);
  });

  it('normalises resolutions', () => {
    expect(['4k', '2K', '1k', '720P', '480p'].map(openRouterResolution)).toEqual(['4K', '2K', '1K', '720p', '480p']);
  });
});

describe('openrouter module', () => {
  it('has no default model, and warns of the retired sora-2-pro with a replacement', () => {
    expect(openRouterModule.defaults.model).toBeUndefined();
    const sora = openRouterModule.models.find((m) => m.id === 'openai/sora-2-pro');
    expect(sora?.retired).toMatchObject({ since: '2026-09-24', replacement: 'google/veo-3.1' });
    expect(openRouterModule.models.filter((m) => m.retired).map((m) => m.id)).toEqual(['openai/sora-2-pro']);
  });
});
