/**
 * heygen-v3 through the real CLI against the real emulator: every submission carries an
 * Idempotency-Key recorded with its intent, so a run killed between a POST and the record of
 * its answer is finished by the next apply without a second job (issue 8).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parseLockText } from '../src/lock/read.js';
import type { Lock } from '../src/lock/types.js';
import { collect, runCli, startCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import type { Workspace } from './helpers/workspace.js';

const SHOTS = 6;
const CREATE = 'POST /v3/models/videos';

async function finalLock(ws: Workspace): Promise<Lock> {
  return parseLockText(await readFile(ws.path('shots.lock.yaml'), 'utf8'), 'shots.lock.yaml');
}

const apply = (ws: Workspace) => runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

describe('heygen-v3 campaigns', () => {
  const startCampaign = useCampaigns();

  it('generates every shot once, keeps the key each was sent with, and plans nothing on a rerun', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [100, 300], seed: 5 }, { shots: 4, types: ['heygen-v3'] });
    const result = await apply(ws);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const lock = await finalLock(ws);
    const entries = Object.values(lock.shots);
    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      expect(entry).toMatchObject({ state: 'completed', job_id: expect.stringMatching(/^hv3_/), idempotency_key: expect.stringMatching(/^vg-[0-9a-f]+-[0-9a-f]+-1$/) });
    }
    await expectOutputsMatchLock(ws, lock);
    expect(new Set(entries.map((entry) => entry.idempotency_key)).size).toBe(4);
    expect(submissions(emulator.stats())).toBe(4);
    expect(emulator.stats().authOnVideoUrls).toBe(0);
    const plan = await runCli(['plan', 'shots.yaml', '--detailed-exitcode'], { cwd: ws.dir, env: TEST_KEYS });
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('survives kill -9 between the POST and the record of its answer: one job per shot, counted by the emulator', async () => {
    // Each POST takes 1.5 s to answer after its job exists: killing while POSTs are in flight
    // leaves jobs the lock only knows as intents (with their keys).
    const { emulator, ws } = await startCampaign({ latencyMs: [200, 400], createDelayMs: 1_500, seed: 11 }, { shots: SHOTS, types: ['heygen-v3'], concurrency: 3 });
    const child = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    const done = collect(child);
    // Generous: on a loaded machine the CLI may take seconds to start.
    for (let i = 0; i < 600 && submissions(emulator.stats()) < 3; i++) await delay(25);
    const inFlight = submissions(emulator.stats());
    expect(inFlight).toBeGreaterThanOrEqual(3);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    // The answers never arrived: the jobs exist at HeyGen, the lock has intents to resume.
    const plan = await runCli(['plan', 'shots.yaml', '--json'], { cwd: ws.dir, env: TEST_KEYS });
    const actions = (JSON.parse(plan.stdout) as { actions: Array<{ action: string }> }).actions;
    expect(actions.filter((a) => a.action === 'resume').length).toBeGreaterThanOrEqual(1);

    const resumed = await apply(ws);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.stdout).toContain('sending the same idempotency key returns that job');
    const lock = await finalLock(ws);
    const entries = Object.values(lock.shots);
    expect(entries).toHaveLength(SHOTS);
    expect(entries.every((entry) => entry.state === 'completed')).toBe(true);
    expect(new Set(entries.map((entry) => entry.job_id)).size).toBe(SHOTS);
    // The shots interrupted mid-POST were sent their first key again, never a second one.
    expect(entries.every((entry) => entry.idempotency_key?.endsWith('-1'))).toBe(true);
    expect(submissions(emulator.stats())).toBe(SHOTS);
    expect(emulator.stats().requests[CREATE]).toBeGreaterThan(SHOTS);
  });

  it('records a content-moderation refusal as moderation and does not ask again with the same spec', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: 100, moderationRate: 1 }, { shots: 2, types: ['heygen-v3'] });
    expect((await apply(ws)).code).toBe(1);
    for (const entry of Object.values((await finalLock(ws)).shots)) {
      expect(entry).toMatchObject({ state: 'failed', error: { code: 'generation_failed', class: 'moderation' } });
    }
    expect((await apply(ws)).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(2);
  });

  it('stops submitting to an account out of credit (402 insufficient_credit)', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: 100, creditLimit: 1 }, { shots: 3, types: ['heygen-v3'], concurrency: 1 });
    const result = await apply(ws);
    expect(result.code).toBe(1);
    expect(submissions(emulator.stats())).toBe(1);
    expect(emulator.stats().faults.outOfCredit).toBe(1);
    const states = Object.values((await finalLock(ws)).shots).map((entry) => `${entry.state}${entry.error?.class ? `:${entry.error.class}` : ''}`);
    expect(states.sort()).toEqual(['completed', 'failed:quota']);
  });
});
