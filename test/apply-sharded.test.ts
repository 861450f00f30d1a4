/**
 * A campaign applied as 4 shard jobs at once (`apply --shard k/4`, one CI matrix job each: its
 * own checkout, its own lock) against one provider, then `videogen lock merge`d: every shot
 * generated exactly once, and the merged lock the same, entry by entry, as one unsharded run
 * of the same manifest (issue 13). Real CLI processes, real emulator over loopback.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import type { Lock, LockEntry } from '../src/lock/types.js';
import { shardOf } from '../src/plan/shard.js';
import { runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS, type CampaignType } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const SHOTS = 24;
const SHARDS = 4;
const TYPES: CampaignType[] = ['openai-videos', 'fal', 'openrouter', 'runway'];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emulator(): Promise<RunningEmulator> {
  const emu = await startEmulator({ latencyMs: [100, 400] });
  cleanups.push(() => emu.close());
  return emu;
}

/** A checkout of the campaign: the same manifest in a folder of its own. */
async function checkout(manifest: string): Promise<Workspace> {
  const ws = await createWorkspace();
  cleanups.push(() => ws.remove());
  await ws.write('shots.yaml', manifest);
  return ws;
}

const cli = (ws: Workspace, ...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

/**
 * What two runs of one manifest must agree on. Left out: when it ran, the job ids, and what
 * derives from them (the provider's URLs, and the emulator's video bytes, which name their job).
 */
function comparable(entry: LockEntry): Partial<LockEntry> {
  const { submitted_at: _s, completed_at: _c, job_id: _j, remote: _r, output, ...rest } = entry;
  return { ...rest, ...(output ? { output: { path: output.path, sha256: 'per job', bytes: 0 } } : {}) };
}

describe('apply --shard and lock merge', () => {
  it('4 shards at once generate every shot exactly once, and their merged lock equals an unsharded run', async () => {
    const shared = await emulator();
    const manifest = campaignManifest({ emulatorUrl: shared.url, shots: SHOTS, types: TYPES, concurrency: 4 });
    // First the campaign as one job, to compare with; then the provider forgets it (jobs,
    // idempotency keys) so the shards start from nothing too.
    const alone = await checkout(manifest);
    const one = await cli(alone, 'apply', 'shots.yaml', '--yes');
    expect(one.code, one.stderr).toBe(0);
    shared.reset();

    const shards = await Promise.all(Array.from({ length: SHARDS }, () => checkout(manifest)));
    const runs = await Promise.all(shards.map((ws, i) => cli(ws, 'apply', 'shots.yaml', '--yes', '--shard', `${i + 1}/${SHARDS}`)));
    for (const [i, run] of runs.entries()) {
      expect(run.code, `shard ${i + 1}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`Shard ${i + 1}/${SHARDS}:`);
    }
    expect(submissions(shared.stats())).toBe(SHOTS);

    // Each shard's lock holds its own shots and no other, every output verified on disk.
    for (const [i, ws] of shards.entries()) {
      const lock = await ws.lock();
      for (const id of Object.keys(lock.shots)) expect(shardOf(id, SHARDS), id).toBe(i + 1);
      await expectOutputsMatchLock(ws, lock);
    }

    // The merge job: a fresh checkout (no lock yet), the shard locks as artifacts.
    const main = await checkout(manifest);
    const lockFiles = shards.map((ws) => ws.path('shots.lock.yaml'));
    const merged = await cli(main, 'lock', 'merge', ...lockFiles, '--into', 'shots.lock.yaml');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`Merged ${SHARDS} shard locks into shots.lock.yaml: ${SHOTS} entries changed.`);
    // The same bytes whatever order the artifacts come in.
    const again = await checkout(manifest);
    expect((await cli(again, 'lock', 'merge', ...[...lockFiles].reverse(), '--into', 'shots.lock.yaml')).code).toBe(0);
    expect(await again.read('shots.lock.yaml')).toBe(await main.read('shots.lock.yaml'));

    const mergedLock = await main.lock();
    const singleLock = await alone.lock();
    // As sets: a lock read back from apply's parsed cache keeps the order the shots completed in.
    expect(Object.keys(mergedLock.shots).sort()).toEqual(Object.keys(singleLock.shots).sort());
    for (const id of Object.keys(singleLock.shots)) {
      expect(comparable(mergedLock.shots[id]!), id).toEqual(comparable(singleLock.shots[id]!));
    }

    // The merged campaign is whole: with the shards' outputs in place, nothing is left to do.
    for (const ws of shards) {
      for (const entry of Object.values((await ws.lock()).shots)) {
        await main.write(entry.output!.path, await readFile(ws.path(entry.output!.path)));
      }
    }
    const plan = await cli(main, 'plan', 'shots.yaml');
    expect(plan.stdout).toContain(`No changes. ${SHOTS} shots up to date.`);
  });

  it('refuses to merge two shard locks that changed one entry differently, and writes nothing', async () => {
    const emu = await emulator();
    const manifest = campaignManifest({ emulatorUrl: emu.url, shots: 2, types: ['openai-videos'] });
    const [a, b, main] = await Promise.all([checkout(manifest), checkout(manifest), checkout(manifest)]);
    // Two jobs both given the whole campaign (a matrix without --shard): each made every shot.
    expect((await cli(a, 'apply', 'shots.yaml', '--yes')).code).toBe(0);
    expect((await cli(b, 'apply', 'shots.yaml', '--yes')).code).toBe(0);
    await copyFile(a.path('shots.yaml'), main.path('shots.yaml'));
    const merged = await cli(main, 'lock', 'merge', a.path('shots.lock.yaml'), b.path('shots.lock.yaml'));
    expect(merged.code).toBe(3);
    expect(merged.stderr).toContain('VIDEOGEN_LOCK_CONFLICT: 2 entries were changed differently by two shard locks: shot-000 (');
    expect(merged.stderr).toContain(a.path('shots.lock.yaml'));
    expect(await main.exists('shots.lock.yaml')).toBe(false);

    const missing = await cli(main, 'lock', 'merge', a.path('shots.lock.yaml'), main.path('nope.lock.yaml'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('nope.lock.yaml: no such lockfile');
  });
});
