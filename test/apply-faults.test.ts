/** Apply under faults and tight limits: every shot still completes, nothing is billed twice. */
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';

describe('apply under faults', () => {
  const startCampaign = useCampaigns();

  async function runCampaign(emulatorOptions: EmulatorOptions, shots: number, concurrency: number, globalConcurrency: number) {
    const { emulator, ws } = await startCampaign(emulatorOptions, { shots, concurrency });
    const result = await runCli(['apply', 'shots.yaml', '--yes', '--concurrency', String(globalConcurrency)], {
      cwd: ws.dir,
      env: TEST_KEYS,
      timeoutMs: 120_000,
    });
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    return { emulator, ws, result, lock };
  }

  it('completes every shot through rate limits, 5xx, dropped connections and truncated downloads', async () => {
    const { emulator, ws, result, lock } = await runCampaign(
      { latencyMs: [100, 300], seed: 11, rateLimitRate: 0.2, errorRate: 0.1, dropRate: 0.05, truncateRate: 0.05 },
      24,
      4,
      8,
    );
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const stats = emulator.stats();
    expect(submissions(stats)).toBe(24);
    // The faults really fired.
    expect(stats.faults.rateLimited).toBeGreaterThan(0);
    expect(stats.faults.errors).toBeGreaterThan(0);
    expect(stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
    await expectOutputsMatchLock(ws, lock);
    expect(stats.authOnVideoUrls).toBe(0);
  });

  it('waits out a provider limit below its own concurrency instead of failing shots', async () => {
    const { emulator, result, lock } = await runCampaign({ latencyMs: [150, 300], seed: 3, maxConcurrent: 2 }, 16, 6, 8);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const stats = emulator.stats();
    expect(Object.values(lock.shots).every((entry) => entry.state === 'completed')).toBe(true);
    expect(submissions(stats)).toBe(16);
    // The account limit was really hit (6 allowed per provider, 2 admitted per key), and
    // every refusal was waited out rather than failing a shot.
    expect(stats.faults.concurrencyLimited).toBeGreaterThan(0);
  });

  it('never has more jobs in flight than the provider and global caps allow', async () => {
    const { emulator, result } = await runCampaign({ latencyMs: [200, 300], seed: 5, maxConcurrent: 100 }, 24, 3, 5);
    expect(result.code, result.stderr).toBe(0);
    const stats = emulator.stats();
    // Two providers × 3 each, but only 5 overall.
    expect(stats.jobs.maxInFlight).toBeLessThanOrEqual(5);
    expect(stats.jobs.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(submissions(stats)).toBe(24);
  });
});
