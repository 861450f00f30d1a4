import { describe, expect, it } from 'vitest';
import { completedEntryFor, failedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';
import type { Lock } from '../lock/types.js';
import { planShots } from './plan.js';
import { renderPlan } from './render.js';
import { NO_REUSE, reuseQueries } from './reuse.js';
import { callsProvider, type ReuseIndex, type ReuseSource } from './types.js';

const renamed = makeShot('hero-v2', { prompt: 'a stormy sea' });
const reverted = makeShot('reverted', { prompt: 'the first text' });
const failed = makeShot('failed');
const running = makeShot('running');
const missing = makeShot('missing');
const missingNoJob = makeShot('missing-no-job');
const shots = [renamed, reverted, failed, running, missing, missingNoJob];

const lock: Lock = {
  version: 1,
  shots: {
    // The same prompt under the old id: an orphan now.
    hero: completedEntryFor({ ...renamed, id: 'hero' }),
    reverted: completedEntryFor(makeShot('reverted', { prompt: 'the second text' })),
    failed: failedEntryFor(failed),
    running: submittedEntryFor(running, 'job-running'),
    missing: completedEntryFor(missing),
    'missing-no-job': { ...completedEntryFor(missingNoJob), job_id: undefined },
  },
};
const observed = new Map([
  ['missing', { exists: false }],
  ['missing-no-job', { exists: false }],
]);

const earlier = (sha: string, from: ReuseSource['from'] = 'store'): ReuseSource => ({ from, sha256: sha.repeat(64), bytes: 10, job_id: `job-${sha}`, shot: 'hero' });

/** Everything generated before: every spec in the index, every recorded output restorable. */
const everything: ReuseIndex = {
  specs: new Map(shots.map((shot, index) => [shot.specHash, earlier(String(index % 10), index % 2 ? 'cache' : 'store')])),
  objects: new Map([[lock.shots.missing!.output!.sha256, 'cache']]),
};

const actionOf = (plan: ReturnType<typeof planShots>, id: string) => plan.actions.find((action) => action.id === id);

describe('reuse in the plan', () => {
  it('asks only about specs a job would be paid for, and outputs to restore', () => {
    const draft = planShots(shots, lock, observed);
    const queries = reuseQueries(draft, shots, lock);
    expect(new Set(queries.specHashes)).toEqual(new Set([renamed.specHash, reverted.specHash, failed.specHash, missingNoJob.specHash]));
    expect(queries.objects).toEqual([
      { sha256: lock.shots.missing!.output!.sha256, bytes: lock.shots.missing!.output!.bytes },
      { sha256: lock.shots['missing-no-job']!.output!.sha256, bytes: lock.shots['missing-no-job']!.output!.bytes },
    ]);
    // Nothing to ask when forced: a new generation is wanted.
    expect(reuseQueries(planShots(shots, lock, observed, { force: true }), shots, lock).specHashes).toEqual([]);
  });

  it('turns create, replace, retry and fetch-by-regeneration into reuse, never resume', () => {
    const plan = planShots(shots, lock, observed, {}, new Map(), everything);
    expect(plan.actions.map((action) => `${action.action} ${action.id}`)).toEqual([
      'reuse hero-v2',
      'reuse reverted',
      'reuse failed',
      'resume running',
      'fetch missing',
      'reuse missing-no-job',
      'orphan hero',
    ]);
    expect(plan.summary).toMatchObject({ reuse: 4, fetch: 1, resume: 1, create: 0, replace: 0, retry: 0, changes: 6 });
    expect(actionOf(plan, 'hero-v2')).toEqual({
      id: 'hero-v2',
      provider: 'heygen',
      action: 'reuse',
      reason: 'the same spec was generated before (shot hero, job job-0): download it from the store, no job',
      reuse: earlier('0', 'store'),
    });
    // A replaced shot still shows what changed.
    expect(actionOf(plan, 'reverted')?.changes).toEqual([{ field: 'prompt', from: 'the second text', to: 'the first text' }]);
    expect(actionOf(plan, 'reverted')?.reason).toContain('link it from the local cache');
    expect(actionOf(plan, 'missing')).toMatchObject({
      action: 'fetch',
      reason: 'output missing: restore it from the local cache, no job',
      job_id: 'job-missing',
      reuse: { from: 'cache', sha256: lock.shots.missing!.output!.sha256 },
    });
    // Only work that needs a provider needs its key.
    expect(plan.actions.filter(callsProvider).map((action) => action.id)).toEqual(['running']);
  });

  it('never reuses for shots --force or --replace asks to regenerate', () => {
    const forced = planShots(shots, lock, observed, { replace: ['hero-v2', 'failed'] }, new Map(), everything);
    expect(actionOf(forced, 'hero-v2')?.action).toBe('create');
    expect(actionOf(forced, 'failed')).toMatchObject({ action: 'replace', forced: '--replace' });
    expect(actionOf(forced, 'reverted')?.action).toBe('reuse');
    expect(planShots(shots, lock, observed, { force: true }, new Map(), everything).summary.reuse).toBe(0);
  });

  it('never hands out a video rejected in review, nor looks one up for a rejected shot', () => {
    const rejected = new Map([[earlier('0').sha256, 'rejected' as const], [lock.shots.missing!.output!.sha256, 'rejected' as const]]);
    const plan = planShots(shots, lock, observed, {}, rejected, everything);
    expect(actionOf(plan, 'hero-v2')?.action).toBe('create');
    expect(actionOf(plan, 'missing')).toMatchObject({ action: 'replace', verdict: 'rejected' });
    expect(actionOf(plan, 'reverted')?.action).toBe('reuse');
    expect(reuseQueries(planShots(shots, lock, observed, {}, rejected), shots, lock).objects).not.toContainEqual(
      expect.objectContaining({ sha256: lock.shots.missing!.output!.sha256 }),
    );
  });

  it('plans exactly as before when nothing was generated before', () => {
    expect(planShots(shots, lock, observed, {}, new Map(), NO_REUSE)).toEqual(planShots(shots, lock, observed));
  });

  it('shows reuse as & in the text, with where from, and carries it in JSON', () => {
    const plan = planShots(shots, lock, observed, {}, new Map(), everything);
    const text = renderPlan(plan, { color: false });
    expect(text).toContain('  & hero-v2 (heygen): the same spec was generated before (shot hero, job job-0): download it from the store, no job');
    expect(text).toContain('      prompt: "the second text" → "the first text"');
    expect(text).toContain('1 to fetch, 4 to reuse,');
    expect(JSON.parse(JSON.stringify(plan)).actions[0].reuse).toEqual(earlier('0', 'store'));
  });
});
