import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../manifest/types.js';
import { specHash } from '../../manifest/spec-hash.js';
import type { ShotRequest } from '../module.js';
import { heygenV3Module, modeOf } from './index.js';

const config: ProviderConfig = {
  name: 'hg',
  type: 'heygen-v3',
  baseUrl: 'https://api.heygen.com',
  apiKeyEnv: 'HEYGEN_API_KEY',
  concurrency: 4,
  emulate: false,
  settings: {},
  poll: { initialMs: 1, maxMs: 1 },
  timeoutMs: 1,
  downloadTimeoutMs: 1,
};

const check = (shot: Partial<ShotRequest>) => heygenV3Module.checkShot({ prompt: 'p', ...shot }, config);
const where = (shot: Partial<ShotRequest>) => check(shot).map((p) => (p.optionKey ? `options.${p.optionKey}` : p.field));
const hash = (shot: Partial<ShotRequest>) => specHash(heygenV3Module.spec({ prompt: 'a lake at dawn', ...shot }, config));

describe('heygen-v3 checkShot', () => {
  it('accepts every documented duration, resolution and ratio, and an unknown future model', () => {
    for (const duration of [5, 10, 15]) expect(check({ duration })).toEqual([]);
    for (const resolution of ['480p', '768p']) {
      for (const aspect_ratio of ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16']) expect(check({ resolution, aspect_ratio })).toEqual([]);
    }
    expect(check({ resolution: '2k', aspect_ratio: '9:16', seed: 7, audio: true, model: 'heygen-video-2' })).toEqual([]);
    expect(check({ reference_image: 'refs/cat.png', duration: 12, resolution: '1080p' })).toEqual([]);
  });

  it('refuses durations that are not whole seconds from 5 to 15', () => {
    for (const duration of [4, 16, 7.5]) expect(where({ duration })).toEqual(['duration']);
  });

  it('renders 1080p and 2k only at 16:9 or 9:16, the text_to_video default ratio included', () => {
    expect(where({ resolution: '1080p', aspect_ratio: '1:1' })).toEqual(['resolution']);
    expect(where({ resolution: '2k', aspect_ratio: '21:9' })).toEqual(['resolution']);
    expect(check({ resolution: '1080p' })).toEqual([]);
    expect(check({ resolution: '4k' })[0]).toMatchObject({ field: 'resolution', message: expect.stringContaining('480p, 768p, 1080p, 2k') });
  });

  it('refuses an aspect ratio on image_to_video instead of dropping it, pointing at defaults too', () => {
    const [problem] = check({ reference_image: 'refs/cat.png', aspect_ratio: '16:9' });
    expect(problem).toMatchObject({ field: 'aspect_ratio', kind: 'field' });
    expect(problem?.hint).toContain('defaults');
  });

  it('refuses other services’ models with a hint instead of mapping them', () => {
    for (const model of ['veo_3_1', 'google/veo-3.1-fast', 'kling_pro', 'sora-2', 'seedance_pro', 'runway_gen4']) {
      const [problem] = check({ model });
      expect(problem, model).toMatchObject({ field: 'model', kind: 'value' });
      expect(problem?.hint).toContain('heygen-video-1');
    }
  });

  it('refuses what the API cannot take: size, a last frame, silence, plain-http images', () => {
    expect(where({ size: '1280x720', tail_image: 'b.png', audio: false, reference_image: 'http://example.com/a.png' })).toEqual([
      'size',
      'tail_image',
      'audio',
      'reference_image',
    ]);
  });

  it('passes extra options through but refuses fields videogen sets and unknown prompt_enhancement values', () => {
    expect(check({ options: { prompt_enhancement: 'disabled', callback_id: 'c1' } })).toEqual([]);
    expect(where({ options: { duration: 8, image: 'x', prompt_enhancement: 'fast' } })).toEqual([
      'options.duration',
      'options.image',
      'options.prompt_enhancement',
    ]);
  });

  it('takes reference_to_video only through options, with asset unions in the documented numbers', () => {
    const images = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'url', url: `https://example.com/${i}.png` }));
    expect(check({ options: { mode: 'reference_to_video', reference_images: images(2), reference_videos: [{ type: 'asset_id', asset_id: 'a1' }] } })).toEqual([]);
    expect(where({ options: { mode: 'text_to_video' } })).toEqual(['options.mode']);
    expect(where({ options: { mode: 'reference_to_video' } })).toEqual(['options.mode']);
    expect(where({ options: { mode: 'reference_to_video', reference_images: images(10) } })).toEqual(['options.reference_images']);
    expect(where({ options: { mode: 'reference_to_video', reference_images: [{ asset_id: 'bare' }] } })).toEqual(['options.reference_images']);
    expect(where({ options: { reference_images: images(1) } })).toEqual(['options.reference_images']);
    expect(where({ reference_image: 'a.png', options: { mode: 'reference_to_video', reference_images: images(1) } })).toEqual(['options.mode']);
    // 1080p with the `adaptive` default is left to the API; a written ratio is checked.
    expect(check({ resolution: '1080p', options: { mode: 'reference_to_video', reference_images: images(1) } })).toEqual([]);
  });
});

describe('heygen-v3 spec', () => {
  it('hashes written-out defaults like left-out ones', () => {
    expect(hash({ duration: 5, resolution: '768p', aspect_ratio: '16:9', model: 'heygen-video-1', audio: true })).toBe(hash({}));
    expect(hash({ reference_image: 'sha256:ab', duration: 5 })).toBe(hash({ reference_image: 'sha256:ab' }));
  });

  it('changes with every field that changes the clip', () => {
    const base = hash({});
    const variants = [{ duration: 6 }, { resolution: '480p' }, { aspect_ratio: '9:16' }, { seed: 1 }, { reference_image: 'sha256:ab' }, { options: { prompt_enhancement: 'disabled' } }];
    const hashes = variants.map((variant) => hash(variant));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('writes the resolved fields and leaves absent ones out', () => {
    expect(heygenV3Module.spec({ prompt: ' p \n' }, config)).toEqual({
      provider: 'heygen-v3',
      endpoint: 'https://api.heygen.com',
      model: 'heygen-video-1',
      prompt: 'p',
      duration: 5,
      resolution: '768p',
      aspect_ratio: '16:9',
    });
    expect(heygenV3Module.spec({ prompt: 'p', reference_image: 'sha256:ab' }, config)).not.toHaveProperty('aspect_ratio');
  });
});

describe('modeOf', () => {
  it('follows the image, unless options ask for reference_to_video', () => {
    expect(modeOf({})).toBe('text_to_video');
    expect(modeOf({ reference_image: 'a.png' })).toBe('image_to_video');
    expect(modeOf({ options: { mode: 'reference_to_video' } })).toBe('reference_to_video');
  });
});
