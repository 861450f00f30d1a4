/**
 * The main job end to end: the real CLI, real HTTP over loopback to an emulator started
 * here, real files, real lockfile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

describe('apply: a 40-shot campaign over both provider types', () => {
  let emulator: RunningEmulator;
  let ws: Workspace;
  const apply = (...extra: string[]) =>
    runCli(['apply', 'shots.yaml', '--yes', ...extra], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: [150, 400], seed: 7 });
    ws = await createWorkspace();
    await ws.write('shots.yaml', campaignManifest({ emulatorUrl: emulator.url, shots: 40, concurrency: 6 }));
  });
  afterAll(async () => {
    await emulator?.close();
    await ws?.remove();
  });

  it('generates every shot once, with outputs matching the lock', async () => {
    const result = await apply('--concurrency', '10');
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(40);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    const entries = Object.entries(lock.shots);
    expect(entries).toHaveLength(40);
    for (const [id, entry] of entries) {
      expect(entry.state).toBe('completed');
      expect(entry.job_id).toMatch(/^(node-gw-|video_)/);
      expect(entry.output?.path).toBe(`out/${id}.mp4`);
    }
    await expectOutputsMatchLock(ws, lock);
    // Plain lines without a terminal: no colour codes or spinners.
    expect(result.stdout).not.toMatch(/\x1b\[|\r/);
  });

  it('submits nothing when nothing changed, and leaves the lock bytes alone', async () => {
    const before = await ws.read('shots.lock.yaml');
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No changes');
    expect(submissions(emulator.stats())).toBe(40);
    expect(await ws.read('shots.lock.yaml')).toBe(before);
  });

  it('regenerates exactly the shot whose prompt changed', async () => {
    const manifest = await ws.read('shots.yaml');
    await ws.write('shots.yaml', manifest.replace('"Scene number 7, slow dolly shot"', '"Scene number 7, slow dolly shot, at dusk"'));
    const plan = await runCli(['plan', 'shots.yaml', '--detailed-exitcode'], { cwd: ws.dir, env: TEST_KEYS });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/~ shot-007/);
    expect(plan.stdout).toContain('at dusk');
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(41);
  });

  it('downloads a deleted output again without a new submission', async () => {
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    const before = lock.shots['shot-012']!;
    await rm(ws.path('out/shot-012.mp4'));
    await rm(ws.path('out/shot-013.mp4'));
    const plan = await runCli(['plan', 'shots.yaml'], { cwd: ws.dir, env: TEST_KEYS });
    expect(plan.stdout).toMatch(/↓ shot-012/);
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(41);
    const after = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(after.shots['shot-012']?.output?.sha256).toBe(before.output?.sha256);
    expect(await ws.sha256('out/shot-012.mp4')).toBe(before.output?.sha256);
    expect(await ws.exists('out/shot-013.mp4')).toBe(true);
  });

  it('--json prints only NDJSON events on stdout, ending with the summary', async () => {
    const manifest = await ws.read('shots.yaml');
    await ws.write('shots.yaml', manifest.replace('"Scene number 3, slow dolly shot"', '"Scene number 3, slow dolly shot, in rain"'));
    const result = await apply('--json');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { type: string; id?: string; state?: string });
    expect(events[0]?.type).toBe('plan');
    expect(events.at(-1)?.type).toBe('summary');
    expect(events.filter((e) => e.type === 'shot' && e.state === 'completed').map((e) => e.id)).toEqual(['shot-003']);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['plan', 'shot', 'summary']));
  });
});
