/**
 * One campaign over every provider type at once, against one emulator with faults on (rate
 * limits, server errors, dropped and truncated responses): every shot completes, each job is
 * created once, every output matches the sha256 the lock records, and no key or token shows
 * up in anything the run printed or wrote.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { providerTypes } from '../src/providers/registry.js';
import { runCli } from './helpers/cli.js';
import { ALL_CAMPAIGN_TYPES, campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

describe('a campaign over every provider type at once, with faults', () => {
  let emulator: RunningEmulator | undefined;
  let ws: Workspace | undefined;
  afterAll(async () => {
    await emulator?.close();
    await ws?.remove();
  });

  it('covers every registered type', () => {
    expect([...ALL_CAMPAIGN_TYPES].sort()).toEqual([...providerTypes()].sort());
  });

  it('completes every shot once, verified, and leaks no key', async () => {
    emulator = await startEmulator({ latencyMs: [100, 300], seed: 42, rateLimitRate: 0.1, errorRate: 0.1, dropRate: 0.1, truncateRate: 0.15 });
    ws = await createWorkspace();
    const shots = ALL_CAMPAIGN_TYPES.length * 3;
    await ws.write('shots.yaml', campaignManifest({ emulatorUrl: emulator.url, shots, types: ALL_CAMPAIGN_TYPES, concurrency: 3 }));

    const result = await runCli(['apply', 'shots.yaml', '--yes', '--concurrency', '12'], { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 240_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const stats = emulator.stats();
    // Faults really happened, and none of them cost a second job.
    expect(stats.faults.rateLimited + stats.faults.errors + stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
    expect(submissions(stats)).toBe(shots);
    expect(stats.authOnVideoUrls).toBe(0);

    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    const entries = Object.values(lock.shots);
    expect(entries).toHaveLength(shots);
    expect(new Set(entries.map((entry) => entry.spec.provider))).toEqual(new Set(ALL_CAMPAIGN_TYPES));
    await expectOutputsMatchLock(ws, lock);

    const secrets = Object.values(TEST_KEYS).flatMap((key) => [key, ...key.split(':').filter((part) => part.length >= 8)]);
    const texts = [result.stdout, result.stderr];
    for (const file of await ws.files()) texts.push((await readFile(ws.path(file))).toString('latin1'));
    for (const text of texts) for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
  });
});
