/**
 * What a campaign costs, end to end (issue 10): the plan's estimate, `apply --max-cost`
 * refusing before anything is submitted and holding a run to its budget, and what the
 * provider reported ending up in the lock, the NDJSON events and `status`. Real CLI, real
 * emulator over loopback; jobs are counted at the emulator.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';
import type { Plan } from '../src/plan/types.js';
import { providerModule } from '../src/providers/registry.js';
import { runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS } from './helpers/campaign.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ latencyMs: [200, 400], ...options });
  cleanups.push(() => emu.close());
  return emu;
}

async function workspace(lines: string[]): Promise<Workspace> {
  const ws = await createWorkspace();
  cleanups.push(() => ws.remove());
  await ws.write('shots.yaml', `${lines.join('\n')}\n`);
  return ws;
}

/** `shots` fal shots of one model, fal-ai/veo3.1 at $1 a video by `pricing:`. */
function falCampaign(emu: RunningEmulator, shots: number, model = 'fal-ai/veo3.1'): string[] {
  return [
    'version: 1',
    'output_dir: out',
    'providers:',
    '  fa:',
    '    type: fal',
    `    rest_url: ${emu.url}/fal/rest`,
    `    platform_url: ${emu.url}/fal/api`,
    `    base_url: ${emu.url}${providerModule('fal').emulatorPath}`,
    '    api_key_env: TEST_FAL_KEY',
    '    concurrency: 2',
    '    poll: { initial: 100ms, max: 200ms }',
    'pricing:',
    '  fa:',
    '    fal-ai/veo3.1: { per_video: 1 }',
    'defaults:',
    '  provider: fa',
    `  model: ${model}`,
    '  duration: 4',
    'shots:',
    ...Array.from({ length: shots }, (_, i) => [`  - id: scene-${i}`, `    prompt: "Scene ${i}, slow dolly"`]).flat(),
  ];
}

const cli = (ws: Workspace, ...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

/** `apply --max-cost` refused before anything went out: exit 3, the reason, no job at the provider. */
function expectRefused(refused: Awaited<ReturnType<typeof cli>>, why: string, emu: RunningEmulator): void {
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain(why);
  expect(submissions(emu.stats())).toBe(0);
}

describe('plan and apply --max-cost', () => {
  it('shows each shot at its price and a total that is their sum; a budget below it refuses with exit 3 and creates no job', async () => {
    const emu = await emulator();
    const ws = await workspace(falCampaign(emu, 5));

    const plan = await cli(ws, 'plan', 'shots.yaml', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const parsed = JSON.parse(plan.stdout) as Plan;
    const lines = parsed.actions.map((action) => action.cost?.usd);
    expect(lines).toEqual([1, 1, 1, 1, 1]);
    expect(parsed.summary.cost).toEqual({ usd: 5, unknown: 0, currency: 'USD' });
    const text = await cli(ws, 'plan', 'shots.yaml');
    expect(text.stdout).toContain('+ scene-0 (fa): not in the lock  ($1.00)');
    expect(text.stdout).toContain('Estimated cost: $5.00.');

    const refused = await cli(ws, 'apply', 'shots.yaml', '--yes', '--max-cost', '4.99');
    expectRefused(refused, 'VIDEOGEN_BUDGET: the plan is estimated at $5.00, more than --max-cost $4.99; nothing was submitted', emu);
    expect(await ws.exists('shots.lock.yaml')).toBe(false);

    // Exactly at the budget is within it.
    const applied = await cli(ws, 'apply', 'shots.yaml', '--yes', '--max-cost', '5');
    expect(applied.code, applied.stderr).toBe(0);
    expect(submissions(emu.stats())).toBe(5);
    const lock = await ws.lock();
    for (const entry of Object.values(lock.shots)) expect(entry.cost).toEqual({ estimated: 1, currency: 'USD' });
    expect(applied.stdout).toContain('Spent about $5.00.');
  });

  it('refuses a budget it cannot guard: work of unknown price', async () => {
    const emu = await emulator();
    // Kling v3 Pro has no built-in price (its pages disagree), and `pricing:` gives none.
    const ws = await workspace(falCampaign(emu, 2, 'fal-ai/kling-video/v3/pro/text-to-video'));
    const plan = await cli(ws, 'plan', 'shots.yaml');
    expect(plan.stdout).toContain('(price unknown)');
    expect(plan.stdout).toContain('Estimated cost: unknown (2 shots of unknown price');
    const refused = await cli(ws, 'apply', 'shots.yaml', '--yes', '--max-cost', '100');
    expectRefused(refused, '--max-cost cannot guard shots of unknown price: scene-0, scene-1', emu);
  });

  it('a budget that runs out mid-run submits exactly the shots it affords and exits 1', async () => {
    // Outputs the provider no longer serves plan as $0 fetches, and cost a new job each when
    // the run finds them gone: the plan fits any budget, the run must hold to it.
    const emu = await emulator({ contentTtlMs: 1500 });
    const ws = await workspace(falCampaign(emu, 6));
    const first = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(first.code, first.stderr).toBe(0);
    expect(submissions(emu.stats())).toBe(6);
    await rm(ws.path('out'), { recursive: true });
    await rm(ws.path('.videogen'), { recursive: true, force: true });
    await sleep(2000);

    const plan = JSON.parse((await cli(ws, 'plan', 'shots.yaml', '--json')).stdout) as Plan;
    expect(plan.actions.map((action) => [action.action, action.cost])).toEqual(Array(6).fill(['fetch', { usd: 0, if_regenerated: 1 }]));

    const run = await cli(ws, 'apply', 'shots.yaml', '--yes', '--max-cost', '3.5', '--concurrency', '2');
    expect(run.code, run.stderr).toBe(1);
    expect(submissions(emu.stats())).toBe(6 + 3);
    const lock = await ws.lock();
    const regenerated = Object.values(lock.shots).filter((entry) => entry.output && entry.state === 'completed');
    let onDisk = 0;
    for (const entry of regenerated) if (await ws.exists(entry.output!.path)) onDisk += 1;
    expect(onDisk).toBe(3);
    expect(run.stdout.match(/budget: not submitted: it would take this run's estimated spend to \$4\.00, past --max-cost \$3\.50/g)).toHaveLength(3);
    expect(run.stdout).toContain('3 not submitted; the next apply tries again.');
    expect(run.stdout).toContain('Spent about $3.00.');
  });
});

describe('what was spent', () => {
  it("records OpenRouter's usage.cost in the lock, the NDJSON events and status's total by provider", async () => {
    const ws = await workspace([
      'version: 1',
      'output_dir: out',
      'providers:',
      '  or:',
      '    type: openrouter',
      '    emulate: true',
      '    poll: { initial: 100ms, max: 200ms }',
      '  fa:',
      '    type: fal',
      '    emulate: true',
      '    poll: { initial: 100ms, max: 200ms }',
      'pricing:',
      '  or:',
      // Below what the emulator charges (0.15/s): the lock keeps both, status counts the charge.
      '    google/veo-3.1-fast: { per_second: 0.1 }',
      'shots:',
      '  - { id: boat, provider: or, model: google/veo-3.1-fast, prompt: A boat, duration: 4 }',
      '  - { id: city, provider: or, model: google/veo-3.1-fast, prompt: A city, duration: 8 }',
      '  - { id: hills, provider: or, model: minimax/hailuo-2.3, prompt: Hills }',
      '  - { id: lake, provider: fa, model: fal-ai/veo3.1, prompt: A lake, duration: 4 }',
    ]);
    const run = await cli(ws, 'apply', 'shots.yaml', '--yes', '--json');
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = Object.fromEntries(events.filter((e) => e.type === 'shot' && e.state === 'completed').map((e) => [e.id, e.cost]));
    expect(completed).toEqual({
      boat: { estimated: 0.4, reported: 0.6, currency: 'USD' },
      city: { estimated: 0.8, reported: 1.2, currency: 'USD' },
      // No price in videogen's table, and none given: only what OpenRouter reported.
      hills: { reported: 0.27, currency: 'USD' },
      // fal reports no charge: the estimate stands (fal's Veo 3.1 with its default sound, $0.40/s).
      lake: { estimated: 1.6, currency: 'USD' },
    });
    const summary = events.find((e) => e.type === 'summary') as { cost?: unknown } | undefined;
    // Every job went to the built-in emulator: priced as the real API would be, flagged as not billed.
    expect(summary?.cost).toEqual({ usd: 3.67, reported: 2.07, unknown: 0, currency: 'USD', emulated: true });
    expect(run.stderr + run.stdout).not.toContain('Spent about');

    const lock = await ws.lock();
    expect(lock.shots.city?.cost).toEqual({ estimated: 0.8, reported: 1.2, currency: 'USD' });

    const status = await cli(ws, 'status', 'shots.yaml', '--json');
    expect(JSON.parse(status.stdout).cost).toEqual({
      providers: [
        { provider: 'fa', usd: 1.6, reported: 0, unknown: 0, currency: 'USD' },
        { provider: 'or', usd: 2.07, reported: 2.07, unknown: 0, currency: 'USD' },
      ],
      total: { usd: 3.67, reported: 2.07, unknown: 0, currency: 'USD' },
    });
    const text = await cli(ws, 'status', 'shots.yaml');
    expect(text.stdout).toContain('Cost of the videos in the lock: $3.67, $2.07 of it reported by the provider');
    expect(text.stdout).toContain('  or: $2.07 reported by the provider (emulated: not billed)');
    expect(text.stdout).toContain('  fa: $1.60 estimated (emulated: not billed)');
    // Each shot's row: the charge where the provider reported one, else the estimate.
    expect(text.stdout).toMatch(/^boat +completed +\$0\.60  out\/boat\.mp4$/m);
    expect(text.stdout).toMatch(/^lake +completed +\$1\.60  out\/lake\.mp4$/m);
  });
});
