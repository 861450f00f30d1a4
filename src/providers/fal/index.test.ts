import { describe, expect, it } from 'vitest';
import { specHash } from '../../manifest/spec-hash.js';
import type { ProviderConfig } from '../../manifest/types.js';
import type { ShotRequest } from '../module.js';
import { falHost, falModule } from './index.js';
import { falRequestBody } from './request.js';

function config(settings: Record<string, unknown> = {}): ProviderConfig {
  return {
    name: 'fal',
    type: 'fal',
    baseUrl: 'https://queue.fal.run',
    apiKeyEnv: 'FAL_KEY',
    concurrency: 2,
    emulate: false,
    settings,
    poll: { initialMs: 1, maxMs: 1 },
    timeoutMs: 1,
    downloadTimeoutMs: 1,
  };
}

const check = (shot: Partial<ShotRequest>) => falModule.checkShot({ prompt: 'p', ...shot }, config());
const spec = (shot: Partial<ShotRequest>) => falModule.spec({ prompt: 'p', ...shot }, config());
const fields = (problems: { field: string; optionKey?: string }[]) => problems.map((p) => p.optionKey ?? p.field);

describe('fal checkShot', () => {
  it("accepts what each documented model takes, in that model's values", () => {
    expect(check({ model: 'fal-ai/veo3.1', duration: 6, aspect_ratio: '9:16', resolution: '4k', seed: 3, audio: false })).toEqual([]);
    expect(check({ model: 'fal-ai/kling-video/v3/pro/image-to-video', duration: 15, reference_image: 'a.png', tail_image: 'b.png', audio: true })).toEqual([]);
    expect(check({ model: 'bytedance/seedance-2.0/text-to-video', duration: 4, aspect_ratio: '21:9', resolution: '480p' })).toEqual([]);
    expect(check({ model: 'fal-ai/minimax/hailuo-2.3/pro/image-to-video', reference_image: 'https://example.com/a.png' })).toEqual([]);
  });

  it('refuses values outside a documented list, with the list', () => {
    const veo = check({ model: 'fal-ai/veo3.1', duration: 5, aspect_ratio: '1:1' });
    expect(fields(veo)).toEqual(['duration', 'aspect_ratio']);
    expect(veo[0]!.message).toBe('fal-ai/veo3.1 accepts a duration (seconds) of 4, 6, 8, not 5');
    expect(fields(check({ model: 'fal-ai/veo3.1/lite', resolution: '4k' }))).toEqual(['resolution']);
    expect(fields(check({ model: 'fal-ai/kling-video/v3/pro/text-to-video', duration: 2 }))).toEqual(['duration']);
  });

  it('refuses fields a documented model has no input for, saying what to do', () => {
    const kling = check({ model: 'fal-ai/kling-video/v3/pro/image-to-video', reference_image: 'a.png', aspect_ratio: '16:9', resolution: '1080p', seed: 1 });
    expect(fields(kling)).toEqual(['aspect_ratio', 'resolution', 'seed']);
    expect(kling[0]!.message).toContain('the first frame sets the shape');
    const t2v = check({ model: 'fal-ai/veo3.1', reference_image: 'a.png', tail_image: 'b.png' });
    expect(fields(t2v)).toEqual(['reference_image', 'tail_image']);
    expect(t2v[0]!.hint).toBe('use fal-ai/veo3.1/image-to-video for image to video');
    expect(fields(check({ model: 'fal-ai/minimax/hailuo-2.3/pro/image-to-video', reference_image: 'a.png', duration: 6 }))).toEqual(['duration']);
  });

  it('asks an image-to-video model for its first frame', () => {
    const problems = check({ model: 'bytedance/seedance-2.0/image-to-video' });
    expect(problems).toMatchObject([{ field: 'model', kind: 'value', message: expect.stringContaining('needs a `reference_image`') }]);
  });

  it('takes an unknown model as written, refusing only what no fal model takes', () => {
    expect(check({ model: 'fal-ai/ltx-2/text-to-video', duration: 7, aspect_ratio: '4:3', resolution: '540p', seed: 1, audio: true })).toEqual([]);
    expect(fields(check({ model: 'fal-ai/ltx-2/text-to-video', size: '1280x720' }))).toEqual(['size']);
    expect(fields(check({ model: 'fal-ai/ltx-2/text-to-video', duration: 7.5 }))).toEqual(['duration']);
  });

  it("refuses options that would override a field videogen sets, in the family's own names", () => {
    const kling = check({ model: 'fal-ai/kling-video/v3/pro/image-to-video', reference_image: 'a.png', options: { start_image_url: 'x', cfg_scale: 0.5, prompt: 'y' } });
    expect(fields(kling)).toEqual(['start_image_url', 'prompt']);
    expect(fields(check({ model: 'fal-ai/veo3.1', options: { generate_audio: false, negative_prompt: 'blur' } }))).toEqual(['generate_audio']);
  });
});

describe('fal spec', () => {
  it('writes documented defaults out, so stating one is the same video', () => {
    expect(specHash(spec({ model: 'fal-ai/veo3.1' }))).toBe(specHash(spec({ model: 'fal-ai/veo3.1', duration: 8, audio: true })));
    expect(specHash(spec({ model: 'fal-ai/kling-video/v3/pro/text-to-video' }))).toBe(specHash(spec({ model: 'fal-ai/kling-video/v3/pro/text-to-video', duration: 5 })));
    expect(specHash(spec({ model: 'bytedance/seedance-2.0/text-to-video' }))).toBe(specHash(spec({ model: 'bytedance/seedance-2.0/text-to-video', resolution: '720p' })));
    expect(specHash(spec({ model: 'fal-ai/veo3.1' }))).not.toBe(specHash(spec({ model: 'fal-ai/veo3.1', duration: 6 })));
  });

  it('holds exactly what changes the video, absent fields left out', () => {
    expect(spec({ model: 'fal-ai/veo3.1/image-to-video', reference_image: 'sha256:abc', aspect_ratio: '9:16', seed: 7 })).toEqual({
      provider: 'fal',
      endpoint: 'https://queue.fal.run',
      model: 'fal-ai/veo3.1/image-to-video',
      prompt: 'p',
      reference_image: 'sha256:abc',
      aspect_ratio: '9:16',
      duration: 8,
      seed: 7,
      audio: true,
    });
    // No documented default to write out: the API's own, whatever it is, stays unnamed.
    expect(spec({ model: 'fal-ai/minimax/hailuo-2.3/pro/image-to-video', reference_image: 'u' })).toEqual({
      provider: 'fal',
      endpoint: 'https://queue.fal.run',
      model: 'fal-ai/minimax/hailuo-2.3/pro/image-to-video',
      prompt: 'p',
      reference_image: 'u',
    });
  });
});

describe('fal request bodies', () => {
  it("spells each family's fields its own way", () => {
    const base = { provider: 'fal', endpoint: 'e', prompt: 'a lighthouse' };
    expect(falRequestBody({ ...base, model: 'fal-ai/veo3.1/image-to-video', duration: 8, resolution: '720p', audio: false }, { reference: 'https://x/l.png' })).toEqual({
      prompt: 'a lighthouse',
      duration: '8s',
      resolution: '720p',
      generate_audio: false,
      image_url: 'https://x/l.png',
    });
    expect(falRequestBody({ ...base, model: 'fal-ai/kling-video/v3/pro/image-to-video', duration: 5 }, { reference: 'https://x/a.png', tail: 'https://x/b.png' })).toEqual({
      prompt: 'a lighthouse',
      duration: '5',
      start_image_url: 'https://x/a.png',
      end_image_url: 'https://x/b.png',
    });
    expect(falRequestBody({ ...base, model: 'fal-ai/kling-video/v2.1/pro/image-to-video', duration: 10 }, { reference: 'https://x/a.png', tail: 'https://x/b.png' })).toEqual({
      prompt: 'a lighthouse',
      duration: '10',
      image_url: 'https://x/a.png',
      tail_image_url: 'https://x/b.png',
    });
  });

  it('passes options through, never over a field it sets', () => {
    const body = falRequestBody(
      { provider: 'fal', endpoint: 'e', model: 'fal-ai/veo3.1', prompt: 'p', duration: 4, options: { negative_prompt: 'blur', duration: '99s', prompt: 'x' } },
      {},
    );
    expect(body).toEqual({ negative_prompt: 'blur', prompt: 'p', duration: '4s' });
  });
});

describe('fal host settings', () => {
  it("uses fal's hosts unless the entry names others, which must be https or loopback", () => {
    expect(falHost(config(), 'rest_url')).toBe('https://rest.fal.ai');
    expect(falHost(config({ platform_url: 'http://127.0.0.1:8080/fal/api/' }), 'platform_url')).toBe('http://127.0.0.1:8080/fal/api');
    expect(falModule.checkSettings?.(config({ rest_url: 'http://storage.example.com' }))).toEqual([
      expect.objectContaining({ setting: 'rest_url', message: 'rest_url must use https (the API key would cross the network unencrypted)' }),
    ]);
  });
});
