/**
 * Never paying twice on one machine, without any store: the local cache makes a renamed
 * shot, a reverted prompt and a deleted output free. The real CLI against the emulator;
 * jobs are counted by the emulator, which is what a provider would bill.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseLockText } from '../src/lock/read.js';
import type { Plan } from '../src/plan/types.js';
import { runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import type { Workspace } from './helpers/workspace.js';

const readLockOf = async (ws: Workspace) => parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');

describe('reuse from the local cache', () => {
  const campaign = useCampaigns();
  const cli = (ws: Workspace, args: string[], env: Record<string, string> = TEST_KEYS) => runCli(args, { cwd: ws.dir, env, timeoutMs: 60_000 });

  it('makes a renamed shot, a reverted prompt and a lost output cost no job', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 100, seed: 21 }, { shots: 4 });
    expect((await cli(ws, ['apply', '--yes'])).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(4);
    const first = await readLockOf(ws);
    // Every output is in the cache, by its sha256, with a spec index entry.
    expect((await ws.read('.videogen/cache/specs.jsonl')).trimEnd().split('\n')).toHaveLength(4);
    for (const entry of Object.values(first.shots)) {
      expect(existsSync(ws.path('.videogen', 'cache', 'sha256', entry.output!.sha256.slice(0, 2), `${entry.output!.sha256}.mp4`))).toBe(true);
    }

    // Rename shot-001: & reuse, and no key is needed since no provider is called.
    const manifest = await ws.read('shots.yaml');
    await ws.write('shots.yaml', manifest.replace('id: shot-001', 'id: renamed'));
    const plan = await cli(ws, ['plan']);
    expect(plan.stdout).toMatch(/& renamed \(oa\): the same spec was generated before \(shot shot-001, job video_[\w-]+\): link it from the local cache, no job/);
    expect(plan.stdout).toMatch(/- shot-001/);
    const json = JSON.parse((await cli(ws, ['plan', '--json'])).stdout) as Plan;
    expect(json.actions.find((action) => action.id === 'renamed')).toMatchObject({
      action: 'reuse',
      reuse: { from: 'cache', sha256: first.shots['shot-001']!.output!.sha256, shot: 'shot-001', job_id: first.shots['shot-001']!.job_id },
    });
    const renamed = await cli(ws, ['apply', '--yes'], {});
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toContain('1 reused');
    expect(submissions(emulator.stats())).toBe(4);
    const afterRename = await readLockOf(ws);
    expect(afterRename.shots.renamed).toMatchObject({
      state: 'completed',
      output: { path: 'out/renamed.mp4', sha256: first.shots['shot-001']!.output!.sha256 },
      reused_from: { source: 'cache', job_id: first.shots['shot-001']!.job_id, shot: 'shot-001' },
    });
    expect(afterRename.shots.renamed?.job_id).toBeUndefined();
    expect(await ws.sha256('out/renamed.mp4')).toBe(first.shots['shot-001']!.output!.sha256);
    // The spec came from the cache's own log: no second line for it.
    expect((await ws.read('.videogen/cache/specs.jsonl')).trimEnd().split('\n')).toHaveLength(4);

    // Change a prompt (one job), then revert it: & reuse, no second job for the first text.
    const original = await ws.read('shots.yaml');
    await ws.write('shots.yaml', original.replace('"Scene number 2, slow dolly shot"', '"Scene number 2, at night"'));
    expect((await cli(ws, ['apply', '--yes'])).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(5);
    await ws.write('shots.yaml', original);
    const revert = await cli(ws, ['plan']);
    expect(revert.stdout).toMatch(/& shot-002 \(hg\): the same spec was generated before \(shot shot-002/);
    expect(revert.stdout).toContain('prompt: "Scene number 2, at night" → "Scene number 2, slow dolly shot"');
    expect((await cli(ws, ['apply', '--yes'])).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(5);
    expect(await ws.sha256('out/shot-002.mp4')).toBe(first.shots['shot-002']!.output!.sha256);

    // A deleted output comes back from the cache, not from the provider.
    await rm(ws.path('out/shot-003.mp4'));
    const restore = await cli(ws, ['plan']);
    expect(restore.stdout).toMatch(/↓ shot-003 \(oa\): output missing: restore it from the local cache, no job/);
    const requestsBefore = JSON.stringify(emulator.stats().requests);
    expect((await cli(ws, ['apply', '--yes'], {})).code).toBe(0);
    expect(JSON.stringify(emulator.stats().requests)).toBe(requestsBefore);
    expect(await ws.sha256('out/shot-003.mp4')).toBe(first.shots['shot-003']!.output!.sha256);
  });

  it('an output edited in place (and so its hard-linked cached copy) is refused, then fetched from the provider, never regenerated', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 100, seed: 23 }, { shots: 1 });
    expect((await cli(ws, ['apply', '--yes'])).code).toBe(0);
    const recorded = (await readLockOf(ws)).shots['shot-000']!.output!;
    const bytes = Buffer.from(await readFile(ws.path(recorded.path)));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(ws.path(recorded.path), bytes); // in place: same inode as the cached copy
    expect((await cli(ws, ['plan'])).stdout).toContain('↓ shot-000 (hg): output changed on disk: restore it from the local cache, no job');
    const refused = await cli(ws, ['apply', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/failed {2}VIDEOGEN_STORAGE_CORRUPT: .* \(hint: the next apply downloads job \S+ from the provider again\)/);
    const fetched = await cli(ws, ['apply', '--yes']);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(await ws.sha256(recorded.path)).toBe(recorded.sha256);
    expect(submissions(emulator.stats())).toBe(1);
  });

  it('pull restores deleted outputs from the cache without any store, and --force still regenerates', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 100, seed: 22 }, { shots: 2 });
    expect((await cli(ws, ['apply', '--yes'])).code).toBe(0);
    const lock = await readLockOf(ws);
    await rm(ws.path('out'), { recursive: true });
    const pull = await cli(ws, ['pull'], {});
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('Pulled 2 outputs (2 from the local cache, 0 from the store); 0 already present.');
    await expectOutputsMatchLock(ws, lock);
    expect((await cli(ws, ['pull'], {})).stdout).toContain('Pulled 0 outputs (0 from the local cache, 0 from the store); 2 already present.');

    const forced = await cli(ws, ['apply', '--yes', '--force']);
    expect(forced.code).toBe(0);
    expect(submissions(emulator.stats())).toBe(4);
  });
});
