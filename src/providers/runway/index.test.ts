import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../manifest/types.js';
import type { ShotRequest } from '../module.js';
import { RUNWAY_MAX_DATA_URI_CHARS, RUNWAY_MAX_INLINE_IMAGE_BYTES, runwayModule } from './index.js';
import { runwayRatio, tierOf } from './models.js';

const config: ProviderConfig = {
  name: 'rw',
  type: 'runway',
  baseUrl: 'https://api.dev.runwayml.com',
  apiKeyEnv: 'RUNWAYML_API_SECRET',
  concurrency: 1,
  emulate: false,
  settings: {},
  poll: { initialMs: 1, maxMs: 1 },
  timeoutMs: 1,
  downloadTimeoutMs: 1,
};

const shot = (fields: Partial<ShotRequest>): ShotRequest => ({ prompt: 'p', ...fields });
const check = (fields: Partial<ShotRequest>) => runwayModule.checkShot(shot(fields), config);
const problemFields = (problems: { field: string; optionKey?: string }[]) => problems.map((p) => p.optionKey ?? p.field);
const ratio = (fields: Partial<ShotRequest>, model = 'gen4.5') => runwayRatio(shot(fields), model);

describe('runway ratios', () => {
  it('maps an aspect ratio to the model\'s pixel string, the smaller size unless a resolution says otherwise', () => {
    expect(ratio({})).toEqual({ ratio: '1280:720', problems: [] });
    expect(ratio({ aspect_ratio: '9:16' })).toEqual({ ratio: '720:1280', problems: [] });
    expect(ratio({ aspect_ratio: '4:3', reference_image: 'a.png' })).toEqual({ ratio: '1104:832', problems: [] });
    expect(ratio({ aspect_ratio: '21:9', reference_image: 'a.png' }).ratio).toBe('1584:672');
    expect(ratio({ aspect_ratio: '16:9' }, 'veo3.1').ratio).toBe('1280:720');
    expect(ratio({ aspect_ratio: '16:9', resolution: '1080p' }, 'veo3.1').ratio).toBe('1920:1080');
    expect(ratio({ size: '1080x1920' }, 'veo3.1').ratio).toBe('1080:1920');
  });

  it('refuses what the model has no ratio for, listing what it has', () => {
    const textOnly = ratio({ aspect_ratio: '1:1' });
    expect(textOnly.ratio).toBeUndefined();
    expect(textOnly.problems[0]!.message).toBe('gen4.5 has no ratio for 1:1 (its text to video ratios are 1280:720, 720:1280)');
    expect(ratio({ aspect_ratio: '1:1', resolution: '1080p', reference_image: 'a.png' }).problems[0]!.field).toBe('resolution');
    expect(problemFields(ratio({ size: '1000x1000' }, 'veo3').problems)).toEqual(['size']);
  });

  it('without a documented list, maps only 16:9 and 9:16 (Seedance, unknown models); HappyHorse\'s image sets its own', () => {
    expect(ratio({ aspect_ratio: '16:9' }, 'seedance2').ratio).toBe('1280:720');
    expect(ratio({}, 'seedance2')).toEqual({ problems: [] });
    expect(ratio({ size: '2560x1440' }, 'some_new_model').ratio).toBe('2560:1440');
    expect(ratio({ aspect_ratio: '4:5' }, 'seedance2').problems[0]!.hint).toContain('size');
    expect(ratio({ reference_image: 'a.png' }, 'happyhorse_1_0')).toEqual({ problems: [] });
    expect(problemFields(ratio({ reference_image: 'a.png', aspect_ratio: '16:9' }, 'happyhorse_1_0').problems)).toEqual(['aspect_ratio']);
  });

  it('sorts sizes into the resolutions they are sold as', () => {
    expect(['1280:720', '960:960', '1104:832', '1584:672', '1920:1080', '3840:2160'].map(tierOf)).toEqual(['720p', '720p', '720p', '720p', '1080p', '4k']);
  });
});

describe('runway checkShot', () => {
  it('takes a documented shot on each kind of model', () => {
    expect(check({ duration: 10, aspect_ratio: '9:16', seed: 4 })).toEqual([]);
    expect(check({ model: 'veo3.1', duration: 6, audio: true, reference_image: 'a.png', tail_image: 'b.png' })).toEqual([]);
    expect(check({ model: 'gen4_turbo', reference_image: 'https://example.com/a.png', aspect_ratio: '1:1' })).toEqual([]);
    expect(check({ model: 'happyhorse_1_0', resolution: '1080p', reference_image: 'a.png' })).toEqual([]);
  });

  it('refuses text to video on gen4_turbo, naming the way out', () => {
    const problems = check({ model: 'gen4_turbo' });
    expect(problemFields(problems)).toEqual(['model']);
    expect(problems[0]!.hint).toContain('reference_image');
  });

  it('checks durations per model', () => {
    expect(problemFields(check({ duration: 11 }))).toEqual(['duration']);
    expect(problemFields(check({ duration: 2.5 }))).toEqual(['duration']);
    expect(problemFields(check({ model: 'veo3', duration: 6 }))).toEqual(['duration']);
    expect(check({ model: 'veo3', duration: 8 })).toEqual([]);
    expect(problemFields(check({ model: 'gemini_omni_flash', duration: 2 }))).toEqual(['duration']);
  });

  it('refuses sound, last frames and http images where Runway takes none', () => {
    expect(problemFields(check({ audio: true }))).toEqual(['audio']);
    expect(problemFields(check({ model: 'veo3', reference_image: 'a.png', tail_image: 'b.png' }))).toEqual(['tail_image']);
    expect(problemFields(check({ model: 'veo3.1', tail_image: 'b.png' }))).toEqual(['tail_image']);
    expect(problemFields(check({ reference_image: 'http://example.com/a.png' }))).toEqual(['reference_image']);
  });

  it('counts the prompt in UTF-16 units against the model\'s limit', () => {
    expect(check({ prompt: 'x'.repeat(1000) })).toEqual([]);
    expect(problemFields(check({ prompt: '😀'.repeat(501) }))).toEqual(['model']);
    expect(check({ model: 'seedance2', prompt: 'x'.repeat(3500) })).toEqual([]);
  });

  it('accepts an unknown model with what it cannot check', () => {
    expect(check({ model: 'gen5', duration: 12, audio: true, aspect_ratio: '16:9' })).toEqual([]);
  });

  it('refuses options that would override a field videogen sets', () => {
    expect(problemFields(check({ options: { ratio: '1:1', promptText: 'x', contentModeration: { publicFigureThreshold: 'low' } } }))).toEqual(['ratio', 'promptText']);
  });

  it('keeps a local image\'s data URI within 5 MB', () => {
    expect(runwayModule.imageLimit(config)?.bytes).toBe(RUNWAY_MAX_INLINE_IMAGE_BYTES);
    expect(Math.ceil(RUNWAY_MAX_INLINE_IMAGE_BYTES / 3) * 4 + 'data:image/jpeg;base64,'.length).toBeLessThanOrEqual(RUNWAY_MAX_DATA_URI_CHARS);
  });
});

describe('runway spec', () => {
  it('holds the ratio sent, so a ratio and the size it maps to are one video', () => {
    const base = runwayModule.spec(shot({}), config);
    expect(base).toEqual({ provider: 'runway', endpoint: 'https://api.dev.runwayml.com', model: 'gen4.5', prompt: 'p', ratio: '1280:720', duration: 5 });
    expect(runwayModule.spec(shot({ aspect_ratio: '16:9', duration: 5, model: 'gen4.5' }), config)).toEqual(base);
    expect(runwayModule.spec(shot({ size: '1280x720' }), config)).toEqual(base);
    expect(runwayModule.spec(shot({ model: 'veo3.1', resolution: '1080p' }), config)).toMatchObject({ ratio: '1920:1080', duration: 8 });
    expect(runwayModule.spec(shot({ model: 'happyhorse_1_0', resolution: '720p', reference_image: 'sha256:ab' }), config)).toEqual({
      provider: 'runway',
      endpoint: 'https://api.dev.runwayml.com',
      model: 'happyhorse_1_0',
      prompt: 'p',
      reference_image: 'sha256:ab',
      resolution: '720p',
    });
  });
});
