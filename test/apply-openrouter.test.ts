/**
 * `videogen apply` on an openrouter provider, end to end: the real CLI, the emulator (in
 * process with `emulate: true`, or started here with faults), real files and lock. Every
 * output is checked by sha256, and the lock records what OpenRouter said each job cost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';
import { serializeLock } from '../src/lock/serialize.js';
import type { Lock } from '../src/lock/types.js';
import { runCli } from './helpers/cli.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { pngBytes } from './providers-helpers.js';

const ENV = { TEST_OPENROUTER_KEY: 'sk-or-v1-apply-test-key' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Shots valid at the emulator, with what it charges for each (its price table × seconds). */
const SHOTS: Array<{ id: string; lines: string[]; cost: number }> = [
  { id: 'boat', lines: ['model: google/veo-3.1-fast', 'duration: 4', 'resolution: 720p', 'aspect_ratio: "16:9"'], cost: 0.6 },
  { id: 'lighthouse', lines: ['model: google/veo-3.1', 'duration: 8', 'resolution: 1080p', 'aspect_ratio: "9:16"', 'audio: true'], cost: 3.2 },
  { id: 'product', lines: ['model: google/veo-3.1-lite', 'duration: 6', 'reference_image: refs/product.png'], cost: 0.3 },
  { id: 'dancer', lines: ['model: bytedance/seedance-2.0', 'duration: 10', 'aspect_ratio: "21:9"', 'seed: 7'], cost: 1.2 },
  { id: 'presenter', lines: ['model: heygen/heygen-video-1', 'duration: 12', 'resolution: 768p'], cost: 0.72 },
  { id: 'city', lines: ['model: minimax/hailuo-2.3'], cost: 0.27 },
  { id: 'garden', lines: ['model: kwaivgi/kling-v3.0-pro', 'duration: 5', 'tail_image: https://example.com/last.png'], cost: 0.7 },
  { id: 'river', lines: ['model: alibaba/wan-2.7', 'duration: 5'], cost: 0.5 },
];

function manifest(provider: string[], shots = SHOTS, promptOf = (id: string) => `A short scene: ${id}`): string {
  const lines = ['version: 1', 'output_dir: out', 'providers:', '  or:', '    type: openrouter', ...provider.map((line) => `    ${line}`), 'defaults:', '  provider: or', 'shots:'];
  for (const shot of shots) lines.push(`  - id: ${shot.id}`, `    prompt: "${promptOf(shot.id)}"`, ...shot.lines.map((line) => `    ${line}`));
  return `${lines.join('\n')}\n`;
}

async function workspace(text: string): Promise<Workspace> {
  const ws = await createWorkspace();
  cleanups.push(() => ws.remove());
  await ws.write('refs/product.png', pngBytes(16, 9));
  await ws.write('shots.yaml', text);
  return ws;
}

async function emulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  cleanups.push(() => emu.close());
  return emu;
}

const against = (emu: RunningEmulator, concurrency = 4) => [
  `base_url: ${emu.url}/api/v1`,
  'api_key_env: TEST_OPENROUTER_KEY',
  `concurrency: ${concurrency}`,
  'poll: { initial: 100ms, max: 300ms }',
];

const apply = (ws: Workspace, ...extra: string[]) => runCli(['apply', 'shots.yaml', '--yes', ...extra], { cwd: ws.dir, env: ENV, timeoutMs: 120_000 });

/** Every shot completed, its output the bytes the lock names, its cost what the emulator charged. */
async function expectCampaignDone(ws: Workspace, shots = SHOTS): Promise<Lock> {
  const lock = await ws.lock();
  expect(Object.keys(lock.shots).sort()).toEqual(shots.map((s) => s.id).sort());
  for (const shot of shots) {
    const entry = lock.shots[shot.id]!;
    expect(entry.state, shot.id).toBe('completed');
    expect(entry.job_id).toMatch(/^orv-/);
    expect(entry.remote?.polling_url).toMatch(new RegExp(`/api/v1/videos/${entry.job_id}$`));
    expect(entry.remote?.generation_id).toMatch(/^gen-/);
    expect(entry.cost, shot.id).toMatchObject({ reported: shot.cost, currency: 'USD' });
  }
  await expectOutputsMatchLock(ws, lock);
  return lock;
}

describe('apply on openrouter', () => {
  it('runs a campaign on the in-process emulator (emulate: true), recording cost.reported, and reruns for free', async () => {
    const ws = await workspace(manifest(['emulate: true', 'poll: { initial: 200ms, max: 500ms }']));
    const result = await apply(ws);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const lock = await expectCampaignDone(ws);
    expect(lock.shots.product?.spec).toMatchObject({ provider: 'openrouter', endpoint: 'emulator', reference_image: expect.stringMatching(/^sha256:/) });

    const again = await apply(ws);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('completes a campaign through rate limits, 5xx, dropped connections and truncated downloads without billing twice', async () => {
    const emu = await emulator({ latencyMs: [100, 300], seed: 17, rateLimitRate: 0.2, errorRate: 0.1, dropRate: 0.1, truncateRate: 0.3 });
    const ws = await workspace(manifest(against(emu)));
    const result = await apply(ws, '--concurrency', '6');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    await expectCampaignDone(ws);
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(SHOTS.length);
    expect(stats.faults.rateLimited).toBeGreaterThan(0);
    expect(stats.faults.errors).toBeGreaterThan(0);
    expect(stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
    expect(stats.authOnVideoUrls).toBe(0);
  });

  it('records content-policy refusals (a 403 at the door or a refused job) as moderation, and does not ask again', async () => {
    const emu = await emulator({ latencyMs: 100, moderationRate: 1 });
    const shots = Array.from({ length: 6 }, (_, i) => ({ id: `storm-${i}`, lines: ['model: google/veo-3.1-fast', 'duration: 4'], cost: 0 }));
    const ws = await workspace(manifest(against(emu), shots, (id) => `A storm over the harbour, ${id}`));
    const first = await apply(ws);
    expect(first.code).toBe(1);
    const entries = Object.values((await ws.lock()).shots);
    expect(entries).toHaveLength(6);
    for (const entry of entries) expect(entry).toMatchObject({ state: 'failed', error: { class: 'moderation' } });
    // Both kinds happened: refusals at the door created no job, refused jobs did.
    const created = emu.stats().jobs.created;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(6);
    expect(entries.filter((entry) => entry.job_id !== undefined)).toHaveLength(created);

    const plan = await runCli(['plan', 'shots.yaml', '--detailed-exitcode'], { cwd: ws.dir, env: ENV });
    expect(plan.code, plan.stdout).toBe(0);
    expect((await apply(ws)).code).toBe(0);
    expect(emu.stats().jobs.created).toBe(created);
  });

  it('stops submitting when OpenRouter answers 402, and leaves the rest for the next apply', async () => {
    const emu = await emulator({ latencyMs: 100, creditLimit: 2 });
    const ws = await workspace(manifest(against(emu, 1), SHOTS.slice(0, 5)));
    const result = await apply(ws);
    expect(result.code).toBe(1);
    expect(emu.stats().jobs.created).toBe(2);
    expect((result.stdout + result.stderr).match(/no more submissions to it/g)).toHaveLength(1);
    const states = Object.values((await ws.lock()).shots).map((entry) => `${entry.state}${entry.error?.class ? `:${entry.error.class}` : ''}`);
    expect(states.sort()).toEqual(['completed', 'completed', 'failed:quota']);
  });

  it('regenerates a job that expired before it was collected', async () => {
    // Jobs take 300 ms, the first apply gives up after 150 ms, and a finished job expires 500 ms
    // later. The timeout is no part of the spec, so the next apply (without it) resumes the job.
    const emu = await emulator({ latencyMs: 300, contentTtlMs: 500 });
    const shots = SHOTS.slice(0, 1);
    const ws = await workspace(manifest([...against(emu), 'timeout: 150ms'], shots));
    expect((await apply(ws)).code).toBe(1);
    expect((await ws.lock()).shots.boat).toMatchObject({ state: 'submitted' });
    await new Promise((resolve) => setTimeout(resolve, 1200));

    await ws.write('shots.yaml', manifest(against(emu), shots));
    expect((await apply(ws)).code).toBe(1);
    expect((await ws.lock()).shots.boat).toMatchObject({ state: 'failed', error: { code: 'expired', class: 'failed' } });
    expect(emu.stats().jobs.created).toBe(1);

    const again = await apply(ws);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.stats().jobs.created).toBe(2);
    await expectCampaignDone(ws, shots);
  });

  it('submits again, saying it may bill twice, when the last apply stopped between sending a submission and recording its answer', async () => {
    const emu = await emulator({ latencyMs: 100 });
    const shots = SHOTS.slice(0, 2);
    const ws = await workspace(manifest(against(emu), shots));
    const { loadManifest } = await import('../src/manifest/load.js');
    const loaded = await loadManifest(ws.path('shots.yaml'));
    // What a crash right after the POST leaves: intents without job ids (OpenRouter has no list to look in).
    const intents: Lock = { version: 1, shots: {} };
    const submittedAt = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const shot of loaded.shots) {
      intents.shots[shot.id] = { spec_hash: shot.specHash, spec: shot.spec, state: 'submitted', provider: shot.providerName, submitted_at: submittedAt };
    }
    await ws.write('shots.lock.yaml', serializeLock(intents));
    const result = await apply(ws);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.match(/may bill it twice/g)).toHaveLength(2);
    await expectCampaignDone(ws, shots);
  });
});
