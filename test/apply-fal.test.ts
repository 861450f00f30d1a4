/**
 * `videogen apply` on `fal` providers end to end: the real CLI, real HTTP over loopback to
 * the emulator (in-process with `emulate: true`, or started here with faults), real files,
 * real lock. Every output is checked against the sha256 the lock records.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/server.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { submissions, submitAndLoseTheAnswers, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const cli = (ws: Workspace, ...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

const workspaces: Workspace[] = [];
afterEach(async () => {
  for (const ws of workspaces.splice(0)) await ws.remove();
});

async function emulatedWorkspace(shots: string[], providerExtra: string[] = []): Promise<Workspace> {
  const ws = await createWorkspace();
  workspaces.push(ws);
  await ws.write('refs/product.png', await readFile(`${REPO_ROOT}/examples/refs/product.png`));
  const manifest = [
    'version: 1',
    'providers:',
    '  fal:',
    '    type: fal',
    '    emulate: true',
    '    concurrency: 4',
    '    poll: { initial: 100ms, max: 300ms }',
    ...providerExtra,
    'shots:',
    ...shots,
    '',
  ];
  await ws.write('shots.yaml', manifest.join('\n'));
  return ws;
}

const EMULATED_SHOTS = [
  '  - id: veo-text',
  '    model: fal-ai/veo3.1/fast',
  '    prompt: Drone shot of a coastal city at golden hour',
  '    aspect_ratio: "9:16"',
  '    duration: 4',
  '  - id: veo-image',
  '    model: fal-ai/veo3.1/image-to-video',
  '    prompt: Slow push-in on the product',
  '    reference_image: refs/product.png',
  '  - id: kling-frames',
  '    model: fal-ai/kling-video/v3/pro/image-to-video',
  '    prompt: The product rises out of mist',
  '    reference_image: https://example.com/first.png',
  '    tail_image: refs/product.png',
  '    duration: 10',
  '  - id: seedance',
  '    model: bytedance/seedance-2.0/text-to-video',
  '    prompt: Stylish cafe interior',
  '    aspect_ratio: "4:3"',
  '    resolution: 1080p',
];

describe('apply on fal with the in-process emulator (emulate: true)', () => {
  it('generates every shot, uploads the local image, verifies every output, then has nothing to do', async () => {
    const ws = await emulatedWorkspace(EMULATED_SHOTS);
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const lock = await ws.lock();
    expect(Object.keys(lock.shots).sort()).toEqual(['kling-frames', 'seedance', 'veo-image', 'veo-text']);
    await expectOutputsMatchLock(ws, lock);
    for (const entry of Object.values(lock.shots)) {
      const root = entry.spec.model.split('/').slice(0, 2).join('/');
      expect(entry.remote?.status_url).toMatch(new RegExp(`/fal/queue/${root}/requests/[^/]+/status$`));
      expect(entry.remote?.response_url).toBeDefined();
      expect(entry.remote?.video_url).toBeDefined();
    }
    expect(lock.shots['veo-text']?.spec).toMatchObject({ duration: 4, audio: true });
    expect(lock.shots['veo-image']?.spec).toMatchObject({ duration: 8, reference_image: expect.stringMatching(/^sha256:/) });

    const again = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');

    // A deleted output is fetched again from the same request, not generated anew.
    await rm(ws.path(lock.shots['seedance']!.output!.path));
    const fetched = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(fetched.code, fetched.stderr + fetched.stdout).toBe(0);
    const after = await ws.lock();
    expect(after.shots['seedance']).toMatchObject({ job_id: lock.shots['seedance']!.job_id, output: lock.shots['seedance']!.output });
    await expectOutputsMatchLock(ws, after);
  });

  it("resumes a request in the next run's emulator from the URLs the lock recorded", async () => {
    // The job outlives apply's 150 ms timeout, so the shot stays submitted; the next apply is a
    // new process with a new in-process emulator on another port.
    const ws = await emulatedWorkspace(EMULATED_SHOTS.slice(0, 5), ['    timeout: 150ms']);
    const first = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(first.code).toBe(1);
    const submitted = (await ws.lock()).shots['veo-text']!;
    expect(submitted).toMatchObject({ state: 'submitted', job_id: expect.any(String), remote: { status_url: expect.any(String) } });

    await ws.write('shots.yaml', (await ws.read('shots.yaml')).replace('    timeout: 150ms\n', ''));
    // Removing the timeout changes no spec: the shot is resumed, not submitted again.
    const plan = await cli(ws, 'plan', 'shots.yaml');
    expect(plan.stdout).toMatch(/> veo-text/);
    const resumed = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const lock = await ws.lock();
    expect(lock.shots['veo-text']).toMatchObject({ state: 'completed', job_id: submitted.job_id });
    await expectOutputsMatchLock(ws, lock);
  });
});

describe('apply on fal against a started emulator', () => {
  const startCampaign = useCampaigns();

  it('completes every shot through rate limits, 5xx, dropped connections, truncated downloads and a full queue, paying once each', async () => {
    const { emulator, ws } = await startCampaign(
      { latencyMs: [100, 300], seed: 17, rateLimitRate: 0.15, errorRate: 0.1, dropRate: 0.05, truncateRate: 0.05, maxConcurrent: 2 },
      { shots: 12, types: ['fal'], concurrency: 4 },
    );
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes', '--concurrency', '8');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const stats = emulator.stats();
    expect(submissions(stats)).toBe(12);
    expect(stats.faults.rateLimited).toBeGreaterThan(0);
    expect(stats.faults.errors).toBeGreaterThan(0);
    expect(stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
    // Four in flight against an account that runs two: the rest waited IN_QUEUE, none was refused.
    expect(stats.faults.concurrencyLimited).toBeGreaterThan(0);
    expect(stats.authOnVideoUrls).toBe(0);
    const lock = await ws.lock();
    expect(Object.keys(lock.shots)).toHaveLength(12);
    await expectOutputsMatchLock(ws, lock);
  });

  it('adopts the request of a submission whose answer was never recorded, instead of paying again', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: [200, 400], seed: 8 }, { shots: 3, types: ['fal'] });
    await submitAndLoseTheAnswers(ws);
    expect(submissions(emulator.stats())).toBe(3);

    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain('found the job of the interrupted submission');
    expect(submissions(emulator.stats())).toBe(3);
    expect(emulator.stats().requests['GET /fal/api/v1/models/requests/by-endpoint']).toBe(3);
    await expectOutputsMatchLock(ws, await ws.lock());
  });

  it('records what each COMPLETED-with-error meant: moderation is not asked again, a runner failure is', async () => {
    const moderated = await startCampaign({ latencyMs: 100, moderationRate: 1 }, { shots: 2, types: ['fal'] });
    expect((await cli(moderated.ws, 'apply', 'shots.yaml', '--yes')).code).toBe(1);
    for (const entry of Object.values((await moderated.ws.lock()).shots)) {
      expect(entry).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation', class: 'moderation' } });
    }
    expect((await cli(moderated.ws, 'plan', 'shots.yaml', '--detailed-exitcode')).code).toBe(0);

    const failing = await startCampaign({ latencyMs: 100, failRate: 1, seed: 1 }, { shots: 2, types: ['fal'] });
    expect((await cli(failing.ws, 'apply', 'shots.yaml', '--yes')).code).toBe(1);
    const classes = Object.values((await failing.ws.lock()).shots).map((entry) => `${entry.error?.code}:${entry.error?.class}`);
    expect(classes.sort()).toEqual(['generation_failed:failed', 'runner_server_error:transient']);
    const plan = await cli(failing.ws, 'plan', 'shots.yaml', '--json');
    expect((JSON.parse(plan.stdout) as { summary: { retry: number } }).summary.retry).toBe(2);
  });

  it('stops submitting to fal once its account is out of credit (402)', async () => {
    const { emulator, ws } = await startCampaign({ latencyMs: 100, creditLimit: 1 }, { shots: 4, types: ['fal'], concurrency: 1 });
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code).toBe(1);
    expect(submissions(emulator.stats())).toBe(1);
    expect(emulator.stats().faults.outOfCredit).toBe(1);
    const states = Object.values((await ws.lock()).shots).map((entry) => `${entry.state}${entry.error?.class ? `:${entry.error.class}` : ''}`);
    expect(states.sort()).toEqual(['completed', 'failed:quota']);
  });
});
