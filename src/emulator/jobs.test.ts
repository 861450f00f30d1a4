import { describe, expect, it } from 'vitest';
import type { JobFacts } from './job-id.js';
import { JobStore, jobStatusAt } from './jobs.js';

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
  const job = (ownerKey: string, latencyMs: number) => ({ api: 'openai' as const, latencyMs, fails: false, aspectRatio: '16:9' as const, ownerKey });

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

  it('finds its own jobs, decodes others, forgets deleted ones, lists per key', () => {
    const store = new JobStore();
    const mine = store.create({ ...job('a', 100), prompt: 'hello' }, 0);
    expect(store.find(mine.id, 'openai')?.prompt).toBe('hello');
    expect(store.find(mine.id, 'heygen')).toBeUndefined();
    const elsewhere = new JobStore().find(mine.id, 'openai');
    expect(elsewhere?.facts).toEqual(mine.facts);
    expect(elsewhere?.prompt).toBeUndefined();
    expect(store.list('openai', 'a').map((j) => j.id)).toEqual([mine.id]);
    expect(store.list('openai', 'b')).toEqual([]);
    store.delete(mine.id);
    expect(store.find(mine.id, 'openai')).toBeUndefined();
    expect(store.list('openai', 'a')).toEqual([]);
    expect(store.counts(1000).created).toBe(1);
  });

  it('alternates HeyGen output shapes and reasonless failures deterministically, until reset', () => {
    const store = new JobStore();
    const heygen = (fails: boolean) => store.create({ api: 'heygen', latencyMs: 0, fails, aspectRatio: '16:9', ownerKey: 'k' }, 0).facts;
    expect([heygen(false), heygen(false), heygen(false)].map((f) => f.flatOutput)).toEqual([false, true, false]);
    expect([heygen(true), heygen(true), heygen(true)].map((f) => f.silentFailure)).toEqual([false, true, false]);
    store.reset();
    expect(heygen(true)).toMatchObject({ flatOutput: false, silentFailure: false });
    expect(store.counts(0).created).toBe(1);
  });
});
