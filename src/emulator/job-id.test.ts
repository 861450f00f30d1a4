import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId, type JobFacts } from './job-id.js';

const HEYGEN = { api: 'heygen', prefix: 'node-gw-' };
const OPENAI = { api: 'openai', prefix: 'video_' };

const heygenJob: JobFacts = {
  api: 'heygen',
  createdAt: 1_795_000_000_123,
  latencyMs: 4321,
  fails: true,
  silentFailure: true,
  flatOutput: false,
  aspectRatio: '9:16',
  nonce: 0xdeadbeef,
};

describe('job ids', () => {
  it('carry every fact of a HeyGen job, behind its prefix', () => {
    const id = encodeJobId(heygenJob, HEYGEN.prefix);
    expect(id).toMatch(/^node-gw-[A-Za-z0-9_-]{20,40}$/);
    expect(decodeJobId(id, HEYGEN)).toEqual(heygenJob);
  });

  it('carry size, seconds and model of an OpenAI job, known or not', () => {
    for (const model of ['sora-2', 'veo-3.1-fast-generate-001', 'some-reseller/モデル-v1']) {
      const facts: JobFacts = { ...heygenJob, api: 'openai', fails: false, silentFailure: false, flatOutput: true, size: '1920x1080', seconds: '12', model, aspectRatio: '16:9' };
      const id = encodeJobId(facts, OPENAI.prefix);
      expect(id.startsWith('video_')).toBe(true);
      expect(decodeJobId(id, OPENAI)).toEqual(facts);
    }
  });

  it('stay compact for known models', () => {
    expect(encodeJobId({ ...heygenJob, api: 'openai', model: 'sora-2', size: '720x1280', seconds: '4' }, OPENAI.prefix).length).toBeLessThan(40);
  });

  it('are not found when malformed, tampered with or of the other API', () => {
    const id = encodeJobId(heygenJob, HEYGEN.prefix);
    expect(decodeJobId(id, OPENAI)).toBeUndefined();
    expect(decodeJobId(`video_${id.slice('node-gw-'.length)}`, OPENAI)).toBeUndefined();
    expect(decodeJobId('node-gw-v1d2e3o4', HEYGEN)).toBeUndefined();
    expect(decodeJobId('node-gw-', HEYGEN)).toBeUndefined();
    expect(decodeJobId('node-gw-!!!!', HEYGEN)).toBeUndefined();
    for (let i = 'node-gw-'.length; i < id.length; i++) {
      const tampered = id.slice(0, i) + (id[i] === 'Q' ? 'R' : 'Q') + id.slice(i + 1);
      expect(decodeJobId(tampered, HEYGEN), tampered).toBeUndefined();
    }
  });

  it('carry API-specific extras for the APIs that need them, and old ids still read', () => {
    const facts: JobFacts = { ...heygenJob, api: 'openrouter', extra: { duration: 8, resolution: '1080p', moderated: true } };
    const id = encodeJobId(facts, 'or-');
    expect(decodeJobId(id, { api: 'openrouter', prefix: 'or-' })).toEqual(facts);
    // An id written before extras existed (version 1) is the same bytes as one without them.
    expect(decodeJobId(encodeJobId(heygenJob, HEYGEN.prefix), HEYGEN)).toEqual(heygenJob);
  });
});
