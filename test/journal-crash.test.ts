/**
 * kill -9 at the journal's three delicate moments, hit deterministically through the lock
 * writer's test hook (VIDEOGEN_TEST_CRASH_AT, src/lock/lock-writer.ts): in the middle of an
 * append, during a compaction before the new lock's rename, and between that rename and the
 * journal's replacement. Each time the lock and journal read back, `plan` sees every job id
 * that was recorded before the kill, and the next apply finishes without creating any job
 * twice (counted at the emulator).
 *
 * The shots are openai-videos: a kill between a POST and the record of its answer is then
 * recovered from the provider's job list, so the job count is exact whatever the moment.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { journalFileFor } from '../src/lock/journal.js';
import { readLock, readLockFile } from '../src/lock/read.js';
import { collect, runCli, startCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import type { Workspace } from './helpers/workspace.js';

const SHOTS = 60;

/** Job ids as recorded on disk, read without the journal reader: the lock, then each whole journal line. */
async function recordedJobIds(ws: Workspace): Promise<Map<string, string | undefined>> {
  const lockFile = ws.path('shots.lock.yaml');
  const recorded = new Map<string, string | undefined>();
  for (const [id, entry] of Object.entries((await readLockFile(lockFile)).shots)) recorded.set(id, entry.job_id);
  const journal = await readFile(journalFileFor(lockFile), 'utf8').catch(() => '');
  const whole = journal.slice(0, journal.lastIndexOf('\n') + 1).split('\n').slice(1, -1);
  for (const line of whole) {
    const { id, entry } = JSON.parse(line) as { id: string; entry: { job_id?: string } | null };
    if (entry === null) recorded.delete(id);
    else recorded.set(id, entry.job_id);
  }
  return recorded;
}

describe('journal crash safety', () => {
  const startCampaign = useCampaigns();

  it.each([
    ['in the middle of an append', 'journal-append:12'],
    ['during a compaction, before the new lock is renamed into place', 'compaction-before-rename:1'],
    ["between the lock's rename and the journal's replacement", 'compaction-after-rename:1'],
  ])('kill -9 %s loses no recorded job and bills none twice', async (_moment, crashAt) => {
    const { emulator, ws } = await startCampaign(
      { latencyMs: [400, 900], seed: 17 },
      { shots: SHOTS, concurrency: 10, types: ['openai-videos'] },
    );
    const crashed = await collect(startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: { ...TEST_KEYS, VIDEOGEN_TEST_CRASH_AT: crashAt } }));
    expect(crashed.signal, crashed.stderr + crashed.stdout.slice(-2000)).toBe('SIGKILL');

    const journal = await readFile(journalFileFor(ws.path('shots.lock.yaml')), 'utf8');
    if (crashAt.startsWith('journal-append')) expect(journal.endsWith('\n'), 'the kill left a torn record').toBe(false);
    const recorded = await recordedJobIds(ws);
    const jobs = [...recorded.values()].filter((job): job is string => job !== undefined);
    expect(jobs.length).toBeGreaterThan(0);

    // What every command reads: the lock with the journal replayed, every recorded job in it.
    const lock = await readLock(ws.path('shots.lock.yaml'));
    for (const [id, job] of recorded) expect(lock.shots[id]?.job_id, id).toBe(job);
    const submitted = Object.values(lock.shots).filter((entry) => entry.state === 'submitted');
    expect(submitted.filter((entry) => entry.job_id).length, 'jobs were in flight when the process was killed').toBeGreaterThan(0);
    const plan = await runCli(['plan', 'shots.yaml'], { cwd: ws.dir, env: TEST_KEYS });
    expect(plan.code, plan.stderr).toBe(0);
    // Each submitted shot resumes its job (or, for an intent without an answer, looks for it).
    expect(plan.stdout.match(/^ {2}> shot-/gm) ?? []).toHaveLength(submitted.length);

    const again = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });
    expect(again.code, again.stderr + again.stdout.slice(-2000)).toBe(0);
    const final = await readLock(ws.path('shots.lock.yaml'));
    expect(Object.keys(final.shots)).toHaveLength(SHOTS);
    for (const [id, job] of recorded) {
      expect(final.shots[id]?.state, id).toBe('completed');
      if (job !== undefined) expect(final.shots[id]?.job_id, `${id} resumed its job`).toBe(job);
    }
    expect(submissions(emulator.stats())).toBe(SHOTS);
    // The journal was folded into the lock at the end; nothing is left to replay.
    await expect(readFile(journalFileFor(ws.path('shots.lock.yaml')), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(journal.length).toBeGreaterThan(0);
  });
});
