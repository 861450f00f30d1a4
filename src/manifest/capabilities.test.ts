import { describe, expect, it } from 'vitest';
import {
  checkShotForProviderType,
  HEYGEN_MAX_IMAGE_BYTES,
  maxLocalImageBytes,
  OPENAI_MAX_IMAGE_URL_CHARS,
  OPENAI_MAX_INLINE_IMAGE_BYTES,
  openAiSizeFor,
  suggestKnownModel,
} from './capabilities.js';

describe('openAiSizeFor', () => {
  it('maps the two ratios the Videos API has sizes for', () => {
    expect(openAiSizeFor('16:9')).toBe('1280x720');
    expect(openAiSizeFor('9:16')).toBe('720x1280');
    expect(openAiSizeFor('1:1')).toBeUndefined();
    expect(openAiSizeFor('4:3')).toBeUndefined();
  });
});

describe('checkShotForProviderType', () => {
  const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

  it('accepts what heygen takes, including unknown models and tail images', () => {
    expect(checkShotForProviderType('heygen', { model: 'brand_new_model', aspect_ratio: '1:1', reference_image: true, tail_image: true, options: { seconds: 5 } })).toEqual([]);
  });

  it('refuses duration and size on heygen, pointing to options', () => {
    const problems = checkShotForProviderType('heygen', { duration: 8, size: '1280x720' });
    expect(fields(problems)).toEqual(['duration', 'size']);
    expect(problems.every((p) => p.kind === 'field')).toBe(true);
    expect(problems[0]!.hint).toContain('options');
  });

  it('accepts 4, 8 and 12 seconds on openai-videos and nothing else', () => {
    for (const duration of [4, 8, 12]) expect(checkShotForProviderType('openai-videos', { duration })).toEqual([]);
    for (const duration of [5, 10, 0.5, 60]) expect(fields(checkShotForProviderType('openai-videos', { duration }))).toEqual(['duration']);
  });

  it('checks openai-videos sizes and ratios', () => {
    expect(checkShotForProviderType('openai-videos', { size: '1792x1024' })).toEqual([]);
    expect(checkShotForProviderType('openai-videos', { size: '3840x2160' })).toEqual([]);
    const unknown = checkShotForProviderType('openai-videos', { size: '1280x72' });
    expect(fields(unknown)).toEqual(['size']);
    expect(unknown[0]!.hint).toBe('did you mean `1280x720`?');
    expect(fields(checkShotForProviderType('openai-videos', { aspect_ratio: '1:1' }))).toEqual(['aspect_ratio']);
    // An explicit size makes the ratio irrelevant.
    expect(checkShotForProviderType('openai-videos', { aspect_ratio: '1:1', size: '1280x720' })).toEqual([]);
  });

  it('refuses tail_image and request fields smuggled through options on openai-videos', () => {
    const problems = checkShotForProviderType('openai-videos', { tail_image: true, options: { seconds: '8', quality: 'high', size: 'x' } });
    expect(problems.map((p) => [p.field, p.optionKey])).toEqual([
      ['tail_image', undefined],
      ['options', 'seconds'],
      ['options', 'size'],
    ]);
  });
});

describe('suggestKnownModel', () => {
  it('suggests a documented model for a near miss, never for a known or far-off one', () => {
    expect(suggestKnownModel('heygen', 'veo_31')).toBe('veo_3_1');
    expect(suggestKnownModel('heygen', 'veo_3_1')).toBeUndefined();
    expect(suggestKnownModel('openai-videos', 'sora2')).toBe('sora-2');
    expect(suggestKnownModel('openai-videos', 'veo-3.1-fast-generate-001')).toBeUndefined();
  });
});

describe('maxLocalImageBytes', () => {
  it('is 32 MB for HeyGen uploads, whatever the reference format', () => {
    expect(maxLocalImageBytes('heygen', 'multipart')).toBe(32 * 1024 * 1024);
    expect(HEYGEN_MAX_IMAGE_BYTES).toBe(33_554_432);
  });

  it('is unlimited for an OpenAI multipart file part and the data: URL cap for inline dialects', () => {
    expect(maxLocalImageBytes('openai-videos', 'multipart')).toBeUndefined();
    expect(maxLocalImageBytes('openai-videos', 'object')).toBe(OPENAI_MAX_INLINE_IMAGE_BYTES);
    expect(maxLocalImageBytes('openai-videos', 'string')).toBe(OPENAI_MAX_INLINE_IMAGE_BYTES);
  });

  it('lets the largest allowed image, base64-encoded as a JPEG data: URL, just fit the cap', () => {
    const dataUrlLength = (bytes: number) => 'data:image/jpeg;base64,'.length + 4 * Math.ceil(bytes / 3);
    expect(dataUrlLength(OPENAI_MAX_INLINE_IMAGE_BYTES)).toBeLessThanOrEqual(OPENAI_MAX_IMAGE_URL_CHARS);
    expect(dataUrlLength(OPENAI_MAX_INLINE_IMAGE_BYTES + 3)).toBeGreaterThan(OPENAI_MAX_IMAGE_URL_CHARS);
  });
});
