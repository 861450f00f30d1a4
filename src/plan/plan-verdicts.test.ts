/** How review verdicts (shots.review.yaml) steer the planner. */
import { describe, expect, it } from 'vitest';
import { planShots } from './plan.js';
import type { ObservedOutput, OutputVerdicts } from './types.js';
import type { Lock } from '../lock/types.js';
import { completedEntryFor, makeShot, sha256Hex } from '../../test/lock-helpers.js';

const shots = ['rejected-shot', 'approved-shot', 'plain-shot'].map((id) => makeShot(id));
const lock: Lock = { version: 1, shots: Object.fromEntries(shots.map((shot) => [shot.id, completedEntryFor(shot)])) };
const intact = (id: string): ObservedOutput => {
  const content = `video of ${id}`;
  return { exists: true, bytes: Buffer.byteLength(content), sha256: sha256Hex(content) };
};
const observed = new Map(shots.map((shot) => [shot.id, intact(shot.id)]));
const verdicts: OutputVerdicts = new Map([
  [sha256Hex('video of rejected-shot'), 'rejected'],
  [sha256Hex('video of approved-shot'), 'approved'],
]);
const actionsOf = (plan: ReturnType<typeof planShots>) => Object.fromEntries(plan.actions.map((a) => [a.id, a]));

describe('planShots with review verdicts', () => {
  it('replaces a completed shot whose current output was rejected, and says why', () => {
    const plan = planShots(shots, lock, observed, {}, verdicts);
    expect(actionsOf(plan)).toEqual({
      'rejected-shot': { id: 'rejected-shot', provider: 'heygen', action: 'replace', reason: 'rejected in review', changes: [], verdict: 'rejected' },
      'approved-shot': { id: 'approved-shot', provider: 'heygen', action: 'keep', reason: 'up to date' },
      'plain-shot': { id: 'plain-shot', provider: 'heygen', action: 'keep', reason: 'up to date' },
    });
    expect(plan.summary).toMatchObject({ replace: 1, keep: 2, changes: 1 });
  });

  it('replaces a rejected output that is missing on disk instead of fetching it back', () => {
    const gone = new Map(observed).set('rejected-shot', { exists: false });
    expect(actionsOf(planShots(shots, lock, gone, {}, verdicts))['rejected-shot']).toMatchObject({ action: 'replace', verdict: 'rejected' });
  });

  it('lets --force pass approved outputs by, unless --replace names them', () => {
    const forced = actionsOf(planShots(shots, lock, observed, { force: true }, verdicts));
    expect(forced['approved-shot']).toEqual({
      id: 'approved-shot',
      provider: 'heygen',
      action: 'keep',
      reason: 'approved in review: --force leaves it (name it with --replace to regenerate)',
      verdict: 'approved',
    });
    expect(forced['plain-shot']).toMatchObject({ action: 'replace', reason: 'forced by --force' });
    expect(forced['rejected-shot']).toMatchObject({ action: 'replace', reason: 'rejected in review' });

    const named = actionsOf(planShots(shots, lock, observed, { force: true, replace: ['approved-shot'] }, verdicts));
    expect(named['approved-shot']).toMatchObject({ action: 'replace', reason: 'forced by --replace' });
    expect(named['plain-shot']).toMatchObject({ action: 'replace', reason: 'forced by --force' });
  });

  it('judges bytes, not ids: a verdict on another output changes nothing, and a changed spec is replaced as before', () => {
    const elsewhere: OutputVerdicts = new Map([[sha256Hex('some other video'), 'rejected']]);
    expect(planShots(shots, lock, observed, {}, elsewhere).summary.changes).toBe(0);
    const edited = [makeShot('approved-shot', { prompt: 'a new prompt' })];
    const plan = planShots(edited, lock, observed, {}, verdicts);
    expect(plan.actions[0]).toMatchObject({ action: 'replace', reason: 'changed: prompt' });
  });
});
