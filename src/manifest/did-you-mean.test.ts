import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanHint, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('prompt', 'prompt')).toBe(0);
    expect(editDistance('promt', 'prompt')).toBe(1);
    expect(editDistance('prompts', 'prompt')).toBe(1);
    expect(editDistance('prampt', 'prompt')).toBe(1);
    expect(editDistance('hegyen', 'heygen')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('didYouMean', () => {
  const shotKeys = ['id', 'prompt', 'provider', 'model', 'aspect_ratio', 'duration', 'size', 'tags', 'output'];

  it('suggests the closest known key', () => {
    expect(didYouMean('promt', shotKeys)).toBe('prompt');
    expect(didYouMean('modle', shotKeys)).toBe('model');
    expect(didYouMean('aspect_ration', shotKeys)).toBe('aspect_ratio');
    expect(didYouMean('tag', shotKeys)).toBe('tags');
    expect(didYouMean('Prompt', shotKeys)).toBe('prompt');
  });

  it('suggests an enum value from a typo or a prefix', () => {
    expect(didYouMean('hegyen', ['heygen', 'openai-videos'])).toBe('heygen');
    expect(didYouMean('openai', ['heygen', 'openai-videos'])).toBe('openai-videos');
    expect(didYouMean('strng', ['multipart', 'object', 'string'])).toBe('string');
    expect(didYouMean('output_directory', ['version', 'output_dir', 'shots'])).toBe('output_dir');
  });

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('banana', shotKeys)).toBeUndefined();
    expect(didYouMean('ix', shotKeys)).toBeUndefined();
    expect(didYouMean('', shotKeys)).toBeUndefined();
  });

  it('formats a hint', () => {
    expect(didYouMeanHint('promt', shotKeys)).toBe('did you mean `prompt`?');
    expect(didYouMeanHint('zzz', shotKeys)).toBeUndefined();
  });
});
