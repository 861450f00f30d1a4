import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../manifest/types.js';
import { suggestKnownModel } from './field-rules.js';
import { HEYGEN_MAX_IMAGE_BYTES, heygenModule } from './heygen/index.js';
import type { ShotRequest } from './module.js';
import {
  OPENAI_MAX_IMAGE_URL_CHARS,
  OPENAI_MAX_INLINE_IMAGE_BYTES,
  openAiSizeFor,
  openAiVideosModule,
} from './openai-videos/index.js';

function config(type: string, settings: Record<string, unknown> = {}, baseUrl = 'https://api.example.com/v1'): ProviderConfig {
  return {
    name: 'p',
    type,
    baseUrl,
    apiKeyEnv: 'KEY',
    concurrency: 1,
    emulate: false,
    settings,
    poll: { initialMs: 1, maxMs: 1 },
    timeoutMs: 1,
    downloadTimeoutMs: 1,
  };
}

const heygen = (shot: Partial<ShotRequest>) => heygenModule.checkShot({ prompt: 'p', ...shot }, config('heygen'));
const openai = (shot: Partial<ShotRequest>) => openAiVideosModule.checkShot({ prompt: 'p', ...shot }, config('openai-videos'));
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

describe('openAiSizeFor', () => {
  it('maps the two ratios the Videos API has sizes for', () => {
    expect(openAiSizeFor('16:9')).toBe('1280x720');
    expect(openAiSizeFor('9:16')).toBe('720x1280');
    expect(openAiSizeFor('1:1')).toBeUndefined();
    expect(openAiSizeFor('4:3')).toBeUndefined();
  });
});

describe('heygen checkShot', () => {
  it('accepts what heygen takes, including unknown models and tail images', () => {
    expect(heygen({ model: 'brand_new_model', aspect_ratio: '1:1', reference_image: 'a.png', tail_image: 'b.png', options: { seconds: 5 } })).toEqual([]);
  });

  it('refuses duration, size, resolution, seed and audio, pointing to options', () => {
    const problems = heygen({ duration: 8, size: '1280x720', resolution: '1080p', seed: 1, audio: true });
    expect(fields(problems)).toEqual(['duration', 'size', 'resolution', 'seed', 'audio']);
    expect(problems.every((p) => p.kind === 'field')).toBe(true);
    expect(problems[0]!.hint).toContain('options');
  });
});

describe('openai-videos checkShot', () => {
  it('accepts 4, 8 and 12 seconds and nothing else', () => {
    for (const duration of [4, 8, 12]) expect(openai({ duration })).toEqual([]);
    for (const duration of [5, 10, 0.5, 60]) expect(fields(openai({ duration }))).toEqual(['duration']);
  });

  it('checks sizes and ratios', () => {
    expect(openai({ size: '1792x1024' })).toEqual([]);
    expect(openai({ size: '3840x2160' })).toEqual([]);
    const unknown = openai({ size: '1280x72' });
    expect(fields(unknown)).toEqual(['size']);
    expect(unknown[0]!.hint).toBe('did you mean `1280x720`?');
    expect(fields(openai({ aspect_ratio: '1:1' }))).toEqual(['aspect_ratio']);
    // An explicit size makes the ratio irrelevant.
    expect(openai({ aspect_ratio: '1:1', size: '1280x720' })).toEqual([]);
  });

  it('refuses tail_image, resolution and request fields smuggled through options', () => {
    const problems = openai({ tail_image: 'x.png', resolution: '720p', options: { seconds: '8', quality: 'high', size: 'x' } });
    expect(problems.map((p) => [p.field, p.optionKey])).toEqual([
      ['resolution', undefined],
      ['tail_image', undefined],
      ['options', 'seconds'],
      ['options', 'size'],
    ]);
  });
});

describe('suggestKnownModel', () => {
  it('suggests a documented model for a near miss, never for a known or far-off one', () => {
    expect(suggestKnownModel(heygenModule, 'veo_31')).toBe('veo_3_1');
    expect(suggestKnownModel(heygenModule, 'veo_3_1')).toBeUndefined();
    expect(suggestKnownModel(openAiVideosModule, 'sora2')).toBe('sora-2');
    expect(suggestKnownModel(openAiVideosModule, 'veo-3.1-fast-generate-001')).toBeUndefined();
  });
});

describe('image limits', () => {
  it('is 32 MB for HeyGen uploads, which take PNG and JPEG but no WebP', () => {
    expect(heygenModule.imageLimit(config('heygen'))?.bytes).toBe(32 * 1024 * 1024);
    expect(HEYGEN_MAX_IMAGE_BYTES).toBe(33_554_432);
    expect(heygenModule.imageTypes).toEqual(['image/png', 'image/jpeg']);
  });

  it('is unlimited for an OpenAI multipart file part and the data: URL cap for inline dialects', () => {
    expect(openAiVideosModule.imageLimit(config('openai-videos', { reference_format: 'multipart' }))).toBeUndefined();
    expect(openAiVideosModule.imageLimit(config('openai-videos'))).toBeUndefined();
    expect(openAiVideosModule.imageLimit(config('openai-videos', { reference_format: 'object' }))?.bytes).toBe(OPENAI_MAX_INLINE_IMAGE_BYTES);
    expect(openAiVideosModule.imageLimit(config('openai-videos', { reference_format: 'string' }))?.bytes).toBe(OPENAI_MAX_INLINE_IMAGE_BYTES);
  });

  it('lets the largest allowed image, base64-encoded as a JPEG data: URL, just fit the cap', () => {
    const dataUrlLength = (bytes: number) => 'data:image/jpeg;base64,'.length + 4 * Math.ceil(bytes / 3);
    expect(dataUrlLength(OPENAI_MAX_INLINE_IMAGE_BYTES)).toBeLessThanOrEqual(OPENAI_MAX_IMAGE_URL_CHARS);
    expect(dataUrlLength(OPENAI_MAX_INLINE_IMAGE_BYTES + 3)).toBeGreaterThan(OPENAI_MAX_IMAGE_URL_CHARS);
  });
});

describe('retired APIs', () => {
  it('says HeyGen v1 at api.heygen.com and OpenAI Videos at api.openai.com were switched off, with dates', () => {
    expect(heygenModule.retiredAt?.(config('heygen', {}, 'https://api.heygen.com'))).toMatchObject({ since: '2026-11-01', replacement: 'type: heygen-v3' });
    expect(heygenModule.retiredAt?.(config('heygen', {}, 'https://gateway.example.com'))).toBeUndefined();
    expect(openAiVideosModule.retiredAt?.(config('openai-videos', {}, 'https://api.openai.com/v1'))).toMatchObject({ since: '2026-09-24' });
    expect(openAiVideosModule.retiredAt?.(config('openai-videos', {}, 'https://api.huixingyun.com/v1'))).toBeUndefined();
  });
});
