import { describe, expect, it } from 'vitest';
import type { JobFacts } from './job-id.js';
import { JobStore, jobStatusAt } from './jobs.js';

const OPENAI = { api: 'openai', prefix: 'video_' };
const facts: JobFacts = { api: 'openai', createdAt: 10_000, latencyMs: 1000, fails: false, silentFailure: false, flatOutput: false, aspectRatio: '16:9', nonce: 1 };

describe('jobStatusAt', () => {
  it('is queued for the first tenth, then running with rising progress, then completed at the latency', () => {
    expect(jobStatusAt(facts, 10_000)).toEqual({ state: 'queued', progress: 0, endsAt: 11_000, remainingMs: 1000 });
    expect(jobStatusAt(facts, 10_099).state).toBe('queued');
    expect(jobStatusAt(facts, 10_100)).toEqual({ state: 'running', progress: 10, endsAt: 11_000, remainingMs: 900 });
    expect(jobStatusAt(facts, 10_555).progress).toBe(55);
    expect(jobStatusAt(facts, 10_999).progress).toBe(99);
    expect(jobStatusAt(facts, 11_000)).toEqual({ state: 'completed', progress: 100, endsAt: 11_000, remainingMs: 0 });
    expect(jobStatusAt({ ...facts, fails: true }, 11_000).state).toBe('failed');
  });

  it('finishes a zero-latency job at once', () => {
    expect(jobStatusAt({ ...facts, latencyMs: 0 }, 10_000).state).toBe('completed');
  });
});

describe('JobStore', () => {
  const job = (ownerKey: string, latencyMs: number) => ({ kind: OPENAI, latencyMs, fails: false, aspectRatio: '16:9' as const, ownerKey });

  it('counts jobs in flight per key and overall, exactly, from creation until their end time', () => {
    const store = new JobStore();
    store.create(job('a', 100), 0);
    store.create(job('a', 300), 50);
    store.create(job('b', 100), 90);
    expect(store.inFlightFor('a', 99)).toBe(2);
    expect(store.inFlightFor('a', 100)).toBe(1);
    expect(store.nextSlotFreesAt('a', 99)).toBe(100);
    expect(store.counts(99)).toMatchObject({ inFlight: 3, maxInFlight: 3 });
    store.create(job('a', 10), 200);
    expect(store.counts(200)).toEqual({ created: 4, completed: 2, failed: 0, inFlight: 2, maxInFlight: 3 });
    expect(store.counts(400)).toEqual({ created: 4, completed: 4, failed: 0, inFlight: 0, maxInFlight: 3 });
  });

  it('keeps, per API and key, the jobs not yet ended, oldest first, without the deleted ones', () => {
    const store = new JobStore();
    const first = store.create(job('a', 100), 0);
    const second = store.create(job('a', 300), 50);
    const third = store.create(job('a', 100), 60);
    store.create(job('b', 500), 60);
    store.create({ ...job('a', 500), kind: { api: 'fal', prefix: '' } }, 60);
    expect(store.unfinished('openai', 'a', 99).map((record) => record.id)).toEqual([first.id, second.id, third.id]);
    // Terminal at exactly its end time, as everywhere else.
    expect(store.unfinished('openai', 'a', 100).map((record) => record.id)).toEqual([second.id, third.id]);
    store.delete(second.id);
    expect(store.unfinished('openai', 'a', 100).map((record) => record.id)).toEqual([third.id]);
    expect(store.unfinished('openai', 'a', 160)).toEqual([]);
    expect(store.unfinished('openai', 'b', 160)).toHaveLength(1);
    expect(store.unfinished('fal', 'a', 160)).toHaveLength(1);
    // The whole history is still listed.
    expect(store.list('openai', 'a').map((record) => record.id)).toEqual([first.id, third.id]);
  });

  it('finds its own jobs, decodes others, forgets deleted ones, lists per key', () => {
    const store = new JobStore();
    const mine = store.create({ ...job('a', 100), prompt: 'hello' }, 0);
    expect(store.find(mine.id, OPENAI)?.prompt).toBe('hello');
    expect(store.find(mine.id, { api: 'heygen', prefix: 'node-gw-' })).toBeUndefined();
    const elsewhere = new JobStore().find(mine.id, OPENAI);
    expect(elsewhere?.facts).toEqual(mine.facts);
    expect(elsewhere?.prompt).toBeUndefined();
    expect(store.list('openai', 'a').map((j) => j.id)).toEqual([mine.id]);
    expect(store.list('openai', 'b')).toEqual([]);
    store.delete(mine.id);
    expect(store.find(mine.id, OPENAI)).toBeUndefined();
    expect(store.list('openai', 'a')).toEqual([]);
    expect(store.counts(1000).created).toBe(1);
  });

  it('counts jobs created and failing per API (routes vary their answers by them), until reset', () => {
    const store = new JobStore();
    const heygen = (fails: boolean) => store.create({ kind: { api: 'heygen', prefix: 'node-gw-' }, latencyMs: 0, fails, aspectRatio: '16:9', ownerKey: 'k' }, 0);
    heygen(false);
    heygen(true);
    store.create(job('k', 0), 0);
    expect(store.createdCounts('heygen')).toEqual({ created: 2, failing: 1 });
    expect(store.createdCounts('openai')).toEqual({ created: 1, failing: 0 });
    store.reset();
    expect(store.createdCounts('heygen')).toEqual({ created: 0, failing: 0 });
  });
});
