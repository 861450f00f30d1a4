/**
 * What a failure means decides what happens next (DESIGN.md "Executor"): an account out of
 * credit stops submissions to that provider at once, a content-policy refusal is not asked
 * again with the same spec, and a video the provider no longer serves is regenerated rather
 * than waited for. Real CLI, real emulator, real lock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function campaign(emulatorOptions: Parameters<typeof startEmulator>[0], manifest: Omit<Parameters<typeof campaignManifest>[0], 'emulatorUrl'>) {
  const emulator = await startEmulator(emulatorOptions);
  const ws = await createWorkspace();
  cleanups.push(() => emulator.close(), () => ws.remove());
  await ws.write('shots.yaml', campaignManifest({ ...manifest, emulatorUrl: emulator.url }));
  return { emulator, ws };
}

const cli = (ws: Workspace, ...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 60_000 });

describe('a provider out of credit', () => {
  it.each([
    ['heygen', 'HTTP 402 insufficient_credit'],
    ['openai-videos', 'HTTP 429 insufficient_quota, which is not a rate limit to wait out'],
  ] as const)('on %s (%s): stops submitting to it at once, says so once, and leaves the rest for the next apply', async (type, _answer) => {
    const { emulator, ws } = await campaign({ latencyMs: 100, creditLimit: 2 }, { shots: 6, types: [type], concurrency: 1 });
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr).toBe(1);
    // Two jobs fit the credit; the third submission is refused, and no fourth is tried.
    expect(submissions(emulator.stats())).toBe(2);
    expect(emulator.stats().faults.outOfCredit).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output.match(/no more submissions to it/g)).toHaveLength(1);
    const lock = await ws.lock();
    const states = Object.values(lock.shots).map((entry) => `${entry.state}${entry.error?.class ? `:${entry.error.class}` : ''}`);
    expect(states.sort()).toEqual(['completed', 'completed', 'failed:quota']);
    expect(result.stdout).toContain('3 not submitted');

    // The next plan retries the refused shot and creates the three never submitted.
    const plan = await cli(ws, 'plan', 'shots.yaml', '--json');
    expect((JSON.parse(plan.stdout) as { summary: { create: number; retry: number } }).summary).toMatchObject({ create: 3, retry: 1 });
  });
});

describe('a content-policy refusal', () => {
  it('is recorded as moderation and not retried until the spec changes or --replace names it', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 100, moderationRate: 1 }, { shots: 2, types: ['heygen', 'openai-videos'] });
    const first = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(first.code).toBe(1);
    expect(submissions(emulator.stats())).toBe(2);
    for (const entry of Object.values((await ws.lock()).shots)) {
      expect(entry).toMatchObject({ state: 'failed', error: { class: 'moderation' } });
    }

    const plan = await cli(ws, 'plan', 'shots.yaml', '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain("refused by the provider's content policy");
    expect((await cli(ws, 'apply', 'shots.yaml', '--yes')).code).toBe(0);
    expect(submissions(emulator.stats())).toBe(2);

    const forced = await cli(ws, 'plan', 'shots.yaml', '--replace', 'shot-000', '--json');
    const actions = (JSON.parse(forced.stdout) as { actions: Array<{ id: string; action: string }> }).actions;
    expect(actions.map((a) => `${a.id}:${a.action}`)).toEqual(['shot-000:replace', 'shot-001:keep']);
  });
});

describe('a finished video the provider no longer serves', () => {
  it('fails the shot instead of leaving it submitted for ever, and the next apply generates it again', async () => {
    // Jobs take 2 s, apply gives up after 300 ms (the job stays submitted; generous margins, so a
    // busy machine cannot finish the job in time), and the content expires 2.5 s after the job
    // ends: by the next apply, 5.5 s later, the video is gone, while the last apply below has
    // 2.5 s to fetch its video however busy the machine (1 s was too little under load).
    const { emulator, ws } = await campaign({ latencyMs: 2000, contentTtlMs: 2500 }, { shots: 1, types: ['openai-videos'], timeout: '300ms' });
    const first = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(first.code).toBe(1);
    expect((await ws.lock()).shots['shot-000']).toMatchObject({ state: 'submitted' });
    await new Promise((resolve) => setTimeout(resolve, 5500));

    const resumed = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(resumed.code).toBe(1);
    expect((await ws.lock()).shots['shot-000']).toMatchObject({ state: 'failed', error: { code: 'video_expired', class: 'failed' } });

    await ws.write('shots.yaml', campaignManifest({ shots: 1, types: ['openai-videos'], emulatorUrl: emulator.url }));
    const again = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(submissions(emulator.stats())).toBe(2);
    expect((await ws.lock()).shots['shot-000']).toMatchObject({ state: 'completed' });
  });
});
