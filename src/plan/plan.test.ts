import { describe, expect, it } from 'vitest';
import { planShots } from './plan.js';
import type { ObservedOutput, PlanAction } from './types.js';
import type { Lock } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';
import { completedEntryFor, failedEntryFor, makeShot, sha256Hex, submittedEntryFor } from '../../test/lock-helpers.js';

const intact = (content: string): ObservedOutput => ({ exists: true, bytes: Buffer.byteLength(content), sha256: sha256Hex(content) });

/** One shot of every kind, plus an orphan. */
function scenario(): { shots: Shot[]; lock: Lock; observed: Map<string, ObservedOutput> } {
  const created = makeShot('new-shot', { tags: ['social'] });
  const kept = makeShot('kept-shot', { tags: ['hero'] });
  const oldReplaced = makeShot('hero-shot', { prompt: 'a calm sea', options: { seed: 1, style: 'film' } });
  const replaced = makeShot('hero-shot', { prompt: 'a stormy sea', options: { seed: 2, style: 'film', motion: 'high' } });
  const resumed = makeShot('running-shot');
  const retried = makeShot('failed-shot');
  const missing = makeShot('missing-shot');
  const changed = makeShot('changed-shot', { tags: ['hero'] });
  const lock: Lock = {
    version: 1,
    shots: {
      'kept-shot': completedEntryFor(kept),
      'hero-shot': completedEntryFor(oldReplaced),
      'running-shot': submittedEntryFor(resumed, 'job-running'),
      'failed-shot': failedEntryFor(retried),
      'missing-shot': completedEntryFor(missing),
      'changed-shot': completedEntryFor(changed),
      'zz-orphan': completedEntryFor(makeShot('zz-orphan')),
      'aa-orphan': submittedEntryFor(makeShot('aa-orphan')),
    },
  };
  const observed = new Map<string, ObservedOutput>([
    ['kept-shot', intact('video of kept-shot')],
    ['missing-shot', { exists: false }],
    ['changed-shot', intact('edited by someone')],
  ]);
  return { shots: [created, kept, replaced, resumed, retried, missing, changed], lock, observed };
}

const kinds = (actions: PlanAction[]): string[] => actions.map((action) => `${action.action} ${action.id}`);

describe('planShots', () => {
  it('plans every action kind, in manifest order, then orphans by id', () => {
    const { shots, lock, observed } = scenario();
    const plan = planShots(shots, lock, observed);
    expect(kinds(plan.actions)).toEqual([
      'create new-shot',
      'keep kept-shot',
      'replace hero-shot',
      'resume running-shot',
      'retry failed-shot',
      'fetch missing-shot',
      'fetch changed-shot',
      'orphan aa-orphan',
      'orphan zz-orphan',
    ]);
    expect(plan.summary).toEqual({ create: 1, replace: 1, resume: 1, retry: 1, fetch: 2, reuse: 0, keep: 1, orphan: 2, skipped: 0, changes: 6 });
    expect(plan.version).toBe(1);
    expect(plan.unmatched).toBeUndefined();
  });

  it('explains each action', () => {
    const { shots, lock, observed } = scenario();
    const byId = new Map(planShots(shots, lock, observed).actions.map((action) => [action.id, action]));
    expect(byId.get('new-shot')).toEqual({ id: 'new-shot', provider: 'heygen', action: 'create', reason: 'not in the lock' });
    expect(byId.get('kept-shot')?.reason).toBe('up to date');
    expect(byId.get('running-shot')).toMatchObject({ action: 'resume', job_id: 'job-running' });
    expect(byId.get('running-shot')?.reason).toContain('job-running');
    expect(byId.get('failed-shot')?.reason).toBe('last attempt failed (VIDEOGEN_JOB_FAILED)');
    expect(byId.get('missing-shot')).toMatchObject({ action: 'fetch', job_id: 'job-missing-shot' });
    expect(byId.get('missing-shot')?.reason).toBe(
      'output missing: download job job-missing-shot again if the provider still serves it, else regenerate',
    );
    expect(byId.get('changed-shot')?.reason).toMatch(/^output changed on disk: download job job-changed-shot again/);
    expect(byId.get('aa-orphan')).toEqual({
      id: 'aa-orphan',
      action: 'orphan',
      reason: 'in the lock, not in the manifest: kept until `videogen prune`',
    });
  });

  it('lists field-level changes for a replaced shot, options key by key', () => {
    const { shots, lock, observed } = scenario();
    const replace = planShots(shots, lock, observed).actions.find((action) => action.id === 'hero-shot');
    expect(replace?.changes).toEqual([
      { field: 'prompt', from: 'a calm sea', to: 'a stormy sea' },
      { field: 'options.motion', to: 'high' },
      { field: 'options.seed', from: 1, to: 2 },
    ]);
    expect(replace?.reason).toBe('changed: prompt, options.motion, options.seed');
  });

  it('reports added and removed top-level fields', () => {
    const before = makeShot('a', { duration: 4, size: '1280x720' });
    const after = makeShot('a', { model: 'kling_pro', duration: 8, reference_image: 'https://example.com/r.png' });
    delete after.spec.size;
    after.specHash = 'sha256:changed';
    const plan = planShots([after], { version: 1, shots: { a: completedEntryFor(before) } }, new Map());
    expect(plan.actions[0]?.changes).toEqual([
      { field: 'model', from: 'veo_3_1', to: 'kling_pro' },
      { field: 'duration', from: 4, to: 8 },
      { field: 'size', from: '1280x720' },
      { field: 'reference_image', to: 'https://example.com/r.png' },
    ]);
  });

  it('says a replaced submitted shot abandons its job', () => {
    const old = makeShot('a', { prompt: 'old' });
    const plan = planShots([makeShot('a', { prompt: 'new' })], { version: 1, shots: { a: submittedEntryFor(old, 'job-7') } }, new Map());
    expect(plan.actions[0]).toMatchObject({ action: 'replace', reason: 'changed: prompt; abandons submitted job job-7' });
  });

  it('fetches a completed shot whose output path changed, saying so', () => {
    const shot = makeShot('a', { output: 'renders/a.mp4' });
    const lock: Lock = { version: 1, shots: { a: completedEntryFor(shot, 'video', 'out/a.mp4') } };
    const plan = planShots([shot], lock, new Map([['a', intact('video')]]));
    expect(plan.actions[0]).toMatchObject({ action: 'fetch', job_id: 'job-a' });
    expect(plan.actions[0]?.reason).toMatch(/^output path changed from out\/a\.mp4 to renders\/a\.mp4: download job job-a again/);
  });

  it('treats a size difference as a changed output even without a hash', () => {
    const shot = makeShot('a');
    const lock: Lock = { version: 1, shots: { a: completedEntryFor(shot, 'video') } };
    const plan = planShots([shot], lock, new Map([['a', { exists: true, bytes: 1 }]]));
    expect(plan.actions[0]?.action).toBe('fetch');
    // Not observed at all counts as missing: nothing vouches for the file.
    expect(planShots([shot], lock, new Map()).actions[0]?.reason).toMatch(/^output missing/);
  });

  describe('selectors', () => {
    it('--only by id, glob and tag; the rest are skipped; orphans only when matched', () => {
      const { shots, lock, observed } = scenario();
      expect(kinds(planShots(shots, lock, observed, { only: ['kept-shot'] }).actions)).toEqual(['keep kept-shot']);
      const glob = planShots(shots, lock, observed, { only: ['*-shot'] });
      expect(glob.actions).toHaveLength(7);
      expect(glob.summary.orphan).toBe(0);
      expect(kinds(planShots(shots, lock, observed, { only: ['?a-orphan', 'new-sho?'] }).actions)).toEqual([
        'create new-shot',
        'orphan aa-orphan',
      ]);
      const tagged = planShots(shots, lock, observed, { only: ['tag:hero'] });
      expect(kinds(tagged.actions)).toEqual(['keep kept-shot', 'fetch changed-shot']);
      expect(tagged.summary).toMatchObject({ keep: 1, fetch: 1, skipped: 5, changes: 1, orphan: 0 });
    });

    it('globs escape regex characters and are anchored', () => {
      const shots = [makeShot('a.b'), makeShot('axb'), makeShot('xa.b')];
      expect(kinds(planShots(shots, { version: 1, shots: {} }, new Map(), { only: ['a.*'] }).actions)).toEqual(['create a.b']);
      expect(kinds(planShots(shots, { version: 1, shots: {} }, new Map(), { only: ['a?b'] }).actions)).toEqual([
        'create a.b',
        'create axb',
      ]);
    });

    it('--replace forces kept, fetched, retried and resumed shots, but not creates', () => {
      const { shots, lock, observed } = scenario();
      const plan = planShots(shots, lock, observed, { replace: ['kept-shot', 'running-shot', 'new-shot', 'failed-shot'] });
      const byId = new Map(plan.actions.map((action) => [action.id, action]));
      expect(byId.get('kept-shot')).toEqual({ id: 'kept-shot', provider: 'heygen', action: 'replace', reason: 'forced by --replace', changes: [], forced: '--replace' });
      expect(byId.get('running-shot')).toMatchObject({ action: 'replace', reason: 'forced by --replace; abandons submitted job job-running' });
      expect(byId.get('failed-shot')?.action).toBe('replace');
      expect(byId.get('new-shot')?.action).toBe('create');
      expect(byId.get('missing-shot')?.action).toBe('fetch');
      expect(plan.summary).toMatchObject({ create: 1, replace: 4, keep: 0, resume: 0, retry: 0, fetch: 2, changes: 7 });
    });

    it('--force replaces every selected shot that exists in the lock', () => {
      const { shots, lock, observed } = scenario();
      const plan = planShots(shots, lock, observed, { force: true, only: ['tag:hero', 'new-shot'] });
      expect(plan.actions.map((action) => `${action.action} ${action.id} ${action.reason}`)).toEqual([
        'create new-shot not in the lock',
        'replace kept-shot forced by --force',
        'replace changed-shot forced by --force',
      ]);
      // A shot whose spec changed keeps its real diff rather than "forced".
      const all = planShots(shots, lock, observed, { force: true });
      expect(all.actions.find((action) => action.id === 'hero-shot')?.changes).toHaveLength(3);
      expect(all.summary).toMatchObject({ replace: 6, create: 1, orphan: 2, changes: 7 });
    });

    it('reports selectors that match nothing', () => {
      const { shots, lock, observed } = scenario();
      const plan = planShots(shots, lock, observed, { only: ['tag:hero', 'typo-shot', 'tag:nope'], replace: ['kept-shot', 'new-shot', 'zz-*'] });
      // zz-orphan is not in the manifest and new-shot is skipped by --only: neither can be replaced.
      expect(plan.unmatched).toEqual(['typo-shot', 'tag:nope', 'new-shot', 'zz-*']);
      expect(planShots(shots, lock, observed, { only: ['zz-*'] }).unmatched).toBeUndefined();
    });
  });

  it('is pure: same inputs give equal plans, and inputs are not mutated', () => {
    const { shots, lock, observed } = scenario();
    const snapshot = structuredClone({ shots, lock, observed: [...observed] });
    const selectors = { only: ['*'], replace: ['kept-shot'] };
    const first = planShots(shots, lock, observed, selectors);
    const second = planShots(shots, lock, observed, selectors);
    expect(second).toEqual(first);
    expect({ shots, lock, observed: [...observed] }).toEqual(snapshot);
    expect(selectors).toEqual({ only: ['*'], replace: ['kept-shot'] });
  });

  it('handles 10,000 shots in one linear pass', () => {
    const shots = Array.from({ length: 10_000 }, (_, index) => makeShot(`shot-${index}`));
    const lock: Lock = { version: 1, shots: {} };
    const observed = new Map<string, ObservedOutput>();
    for (const shot of shots) {
      lock.shots[shot.id] = completedEntryFor(shot);
      observed.set(shot.id, intact(`video of ${shot.id}`));
    }
    const plan = planShots(shots, lock, observed, { only: ['shot-*'] });
    expect(plan.summary).toMatchObject({ keep: 10_000, changes: 0 });
  });
});

describe('planShots: a submission whose answer was never recorded', () => {
  it('resumes it without a job id, so apply looks for the job before submitting again', () => {
    const shot = makeShot('interrupted');
    const { job_id: _job, ...intent } = submittedEntryFor(shot, 'unused');
    const plan = planShots([shot], { version: 1, shots: { interrupted: intent } }, new Map());
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ id: 'interrupted', action: 'resume' });
    expect(plan.actions[0]?.job_id).toBeUndefined();
    expect(plan.actions[0]?.reason).toContain('look for that job');
  });
});

describe('--shard', () => {
  it("plans only the shard's shots and orphans; selectors matching other shards' shots are not typos", async () => {
    const { shardOf } = await import('./shard.js');
    const shots = Array.from({ length: 40 }, (_, i) => makeShot(`s-${i}`));
    const orphan = makeShot('gone-1');
    const lock: Lock = { version: 1, shots: { 'gone-1': completedEntryFor(orphan) } };
    const seen = new Map<string, number>();
    for (let index = 1; index <= 3; index++) {
      const plan = planShots(shots, lock, new Map(), { shard: { index, count: 3 }, replace: ['s-0'] });
      expect(plan.unmatched).toBeUndefined();
      expect(plan.shard).toEqual({ index, count: 3 });
      for (const action of plan.actions) {
        expect(shardOf(action.id, 3), action.id).toBe(index);
        seen.set(action.id, (seen.get(action.id) ?? 0) + 1);
      }
      expect(plan.summary.skipped).toBe(40 - plan.actions.filter((action) => action.action !== 'orphan').length);
    }
    // Every shot, and the orphan, in exactly one shard.
    expect(seen.size).toBe(41);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });
});
