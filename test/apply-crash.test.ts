/**
 * Crash safety: kill -9 at random moments, SIGINT with jobs in flight. After each, the lock
 * parses and tells the truth, and the next apply finishes the work without submitting any
 * job twice.
 */
import { describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { mulberry32 } from '../src/emulator/random.js';
import { readLock } from '../src/lock/read.js';
import type { Lock } from '../src/lock/types.js';
import { collect, runCli, startCli } from './helpers/cli.js';
import { submissions, submitAndLoseTheAnswers, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import type { Workspace } from './helpers/workspace.js';

/** The lock with its journal replayed, as every command reads it. */
async function readLockIfAny(ws: Workspace): Promise<Lock | undefined> {
  return readLock(ws.path('shots.lock.yaml'));
}

describe('crash safety', () => {
  const startCampaign = useCampaigns();

  // On an OpenAI-compatible endpoint, a kill between sending a submission and recording its
  // answer is recovered by listing the account's videos, so the count is exact whatever the
  // moment. (HeyGen cannot be asked; see the recovery test below.)
  it('survives kill -9 at several random moments of a 30-shot run without billing any job twice', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [300, 900], seed: 21 }, { shots: 30, concurrency: 5, types: ['openai-videos'] });
    // Seeded: the kill moments are random but the same on every run of the suite.
    const random = mulberry32(1234);
    for (let kill = 0; kill < 4; kill++) {
      const child = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
      const done = collect(child);
      await delay(150 + random() * 1200);
      child.kill('SIGKILL');
      const result = await done;
      // It may have finished before the kill; either way the lock must parse.
      expect(result.signal === 'SIGKILL' || result.code === 0).toBe(true);
      // readLock throws on anything unparsable or contradictory; what it says must be true.
      const lock = await readLockIfAny(ws);
      for (const entry of Object.values(lock?.shots ?? {})) {
        // Submitted: a recorded job, or the intent written just before a submission went out.
        if (entry.state === 'submitted') expect(entry.job_id ?? entry.submitted_at).toBeTruthy();
      }
      if (lock) await expectOutputsMatchLock(ws, lock, { entries: 'completed' });
    }
    const final = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });
    expect(final.code, final.stderr + final.stdout).toBe(0);
    const lock = (await readLockIfAny(ws))!;
    expect(Object.keys(lock.shots)).toHaveLength(30);
    await expectOutputsMatchLock(ws, lock);
    expect(submissions(emulator.stats())).toBe(30);
    expect((await ws.files()).filter((file) => file.endsWith('.part'))).toEqual([]);
  });

  it('adopts the job of a submission whose answer was never recorded, instead of paying again', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [200, 400], seed: 8 }, { shots: 4, concurrency: 4 });
    await submitAndLoseTheAnswers(ws);
    expect(submissions(emulator.stats())).toBe(4);

    const result = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    // The two OpenAI-compatible shots found their jobs; HeyGen has no way to list them, so its
    // two were submitted again, with a warning that says so.
    expect(result.stdout).toContain('found the job of the interrupted submission');
    expect(result.stdout.match(/may bill it twice/g)).toHaveLength(2);
    expect(submissions(emulator.stats())).toBe(6);
    const lock = (await readLockIfAny(ws))!;
    expect(Object.values(lock.shots).every((entry) => entry.state === 'completed')).toBe(true);
  });

  it('on SIGINT records in-flight jobs, exits 130, and the next apply resumes them without resubmitting', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [1500, 2500], seed: 9 }, { shots: 12, concurrency: 2 });
    const child = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    const done = collect(child);
    // Wait until jobs are in flight (recorded as submitted), then interrupt.
    for (let i = 0; i < 100; i++) {
      const lock = await readLockIfAny(ws).catch(() => undefined);
      if (lock && Object.values(lock.shots).filter((e) => e.state === 'submitted').length >= 3) break;
      await delay(50);
    }
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr + result.stdout).toMatch(/still running remotely/);
    const lock = (await readLockIfAny(ws))!;
    const submitted = Object.values(lock.shots).filter((entry) => entry.state === 'submitted');
    expect(submitted.length).toBeGreaterThanOrEqual(3);
    expect(submitted.every((entry) => typeof entry.job_id === 'string')).toBe(true);
    const createdBefore = submissions(emulator.stats());
    expect(createdBefore).toBe(Object.keys(lock.shots).length);

    const plan = await runCli(['plan', 'shots.yaml'], { cwd: ws.dir, env: TEST_KEYS });
    expect(plan.stdout).toMatch(/> shot-/);
    const again = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(12);
    const finalLock = (await readLockIfAny(ws))!;
    for (const entry of submitted) {
      const id = Object.keys(finalLock.shots).find((key) => finalLock.shots[key]?.job_id === entry.job_id);
      expect(id, `job ${entry.job_id} was resumed, not replaced`).toBeDefined();
      expect(finalLock.shots[id!]?.state).toBe('completed');
    }
  });

  it('refuses a second apply on the same manifest while the first runs', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [2500, 3000], seed: 4 }, { shots: 4, concurrency: 4 });
    const first = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    const firstDone = collect(first);
    // Generous: on a loaded machine the first process may take seconds to start.
    for (let i = 0; i < 500 && !(await ws.exists('shots.lock.yaml.pid')); i++) await delay(20);
    const second = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/VIDEOGEN_LOCK_BUSY/);
    expect((await firstDone).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(4);
  });
});
