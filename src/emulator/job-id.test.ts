import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId, type JobFacts } from './job-id.js';

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
    const id = encodeJobId(heygenJob);
    expect(id).toMatch(/^node-gw-[A-Za-z0-9_-]{20,40}$/);
    expect(decodeJobId(id, 'heygen')).toEqual(heygenJob);
  });

  it('carry size, seconds and model of an OpenAI job, known or not', () => {
    for (const model of ['sora-2', 'veo-3.1-fast-generate-001', 'some-reseller/モデル-v1']) {
      const facts: JobFacts = { ...heygenJob, api: 'openai', fails: false, silentFailure: false, flatOutput: true, size: '1920x1080', seconds: '12', model, aspectRatio: '16:9' };
      const id = encodeJobId(facts);
      expect(id.startsWith('video_')).toBe(true);
      expect(decodeJobId(id, 'openai')).toEqual(facts);
    }
  });

  it('stay compact for known models', () => {
    expect(encodeJobId({ ...heygenJob, api: 'openai', model: 'sora-2', size: '720x1280', seconds: '4' }).length).toBeLessThan(40);
  });

  it('are not found when malformed, tampered with or of the other API', () => {
    const id = encodeJobId(heygenJob);
    expect(decodeJobId(id, 'openai')).toBeUndefined();
    expect(decodeJobId(`video_${id.slice('node-gw-'.length)}`, 'openai')).toBeUndefined();
    expect(decodeJobId('node-gw-v1d2e3o4', 'heygen')).toBeUndefined();
    expect(decodeJobId('node-gw-', 'heygen')).toBeUndefined();
    expect(decodeJobId('node-gw-!!!!', 'heygen')).toBeUndefined();
    for (let i = 'node-gw-'.length; i < id.length; i++) {
      const tampered = id.slice(0, i) + (id[i] === 'Q' ? 'R' : 'Q') + id.slice(i + 1);
      expect(decodeJobId(tampered, 'heygen'), tampered).toBeUndefined();
    }
  });
});
