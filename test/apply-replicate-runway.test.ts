/**
 * Replicate and Runway end to end: the real CLI, real HTTP to an emulator (in-process with
 * `emulate: true`, or started here with faults), real files and lock. Every shot completes or
 * fails with the class its failure deserves, no job is created twice, every output is verified
 * by sha256, and the tokens appear in no output and no file. Then the crashes each API answers
 * differently: Replicate's lost predictions are found by listing, Runway's are submitted again
 * with a warning; and Runway's THROTTLED tasks and expired output URLs on the way.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';
import { collect, runCli, startCli, type CliResult } from './helpers/cli.js';
import { startInterceptingProxy, type InterceptingProxy, type ProxyRules } from './helpers/intercepting-proxy.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { pngBytes } from './providers-helpers.js';

const KEYS = { TEST_REPLICATE_TOKEN: 'r8_SECRET_replicate_5e1f9a7c3b', TEST_RUNWAY_SECRET: 'key_SECRET_runway_8d2c6b4a0f' };
type ApiType = 'replicate' | 'runway';

interface Endpoints {
  replicate?: string;
  runway?: string;
}

/** A campaign alternating between the two APIs, with local images (small ones inline, a large one uploaded). */
function manifest(endpoints: Endpoints | 'emulate', shots: number, options: { concurrency?: number; types?: ApiType[]; largeImages?: boolean } = {}): string {
  const types = options.types ?? (['replicate', 'runway'] as ApiType[]);
  const where = (type: ApiType): string[] =>
    endpoints === 'emulate' ? ['    emulate: true'] : [`    base_url: ${type === 'replicate' ? `${endpoints.replicate}/v1` : endpoints.runway}`];
  const providers = types.flatMap((type) => [
    `  ${type === 'replicate' ? 'rep' : 'rw'}:`,
    `    type: ${type}`,
    ...where(type),
    `    api_key_env: ${type === 'replicate' ? 'TEST_REPLICATE_TOKEN' : 'TEST_RUNWAY_SECRET'}`,
    `    concurrency: ${options.concurrency ?? 4}`,
    '    poll: { initial: 100ms, max: 300ms }',
  ]);
  const lines: string[] = [];
  for (let i = 0; i < shots; i++) {
    const type = types[i % types.length]!;
    const vertical = i % 3 === 0;
    lines.push(`  - id: shot-${String(i).padStart(3, '0')}`, `    provider: ${type === 'replicate' ? 'rep' : 'rw'}`, `    prompt: "Scene ${i}, a slow dolly shot"`);
    lines.push(`    aspect_ratio: "${vertical ? '9:16' : '16:9'}"`);
    if (type === 'replicate') {
      lines.push(`    duration: ${[4, 6, 8][i % 3]}`);
      if (i % 4 === 0) lines.push(`    reference_image: refs/${i % 8 === 0 && options.largeImages !== false ? 'large' : 'small'}.png`);
    } else if (i % 4 === 1) {
      lines.push('    model: veo3.1_fast', '    duration: 8', '    audio: false');
    } else {
      lines.push('    model: gen4.5', '    duration: 5');
      if (i % 4 === 3) lines.push('    reference_image: refs/small.png');
    }
  }
  return ['version: 1', 'output_dir: out', 'providers:', ...providers, 'shots:', ...lines, ''].join('\n');
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function workspace(text: (ws: Workspace) => string): Promise<Workspace> {
  const ws = await createWorkspace();
  cleanups.push(() => ws.remove());
  await ws.write('refs/small.png', pngBytes(8, 8));
  await ws.write('refs/large.png', Buffer.concat([pngBytes(8, 8, [20, 40, 200]), Buffer.alloc(300 * 1024)]));
  await ws.write('shots.yaml', text(ws));
  return ws;
}

async function emulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  cleanups.push(() => emu.close());
  return emu;
}

async function proxy(target: string, rules: ProxyRules): Promise<InterceptingProxy> {
  const started = await startInterceptingProxy(target, rules);
  cleanups.push(() => started.close());
  return started;
}

const cli = (ws: Workspace, ...args: string[]): Promise<CliResult> => runCli(args, { cwd: ws.dir, env: KEYS, timeoutMs: 120_000 });
// With the journal replayed, as every command reads it: after a kill, what was recorded is there.

/** The tokens (whole, in part, in base64) in no output and no file the run wrote. */
async function expectNoTokens(ws: Workspace, results: CliResult[]): Promise<void> {
  const texts = results.flatMap((r) => [r.stdout, r.stderr]);
  for (const file of await ws.files()) if (!file.endsWith('.mp4') && !file.endsWith('.png')) texts.push(await ws.read(file));
  for (const token of Object.values(KEYS)) {
    const needles = [token, token.slice(-10), Buffer.from(token).toString('base64').slice(0, -4)];
    for (const text of texts) for (const needle of needles) expect(text).not.toContain(needle);
  }
}

/** Which failure codes are content refusals: the emulators' SAFETY codes and Replicate's flagged predictions. */
const MODERATION_CODE = /^(SAFETY\.|prediction_flagged$)/;

describe('replicate and runway campaigns', () => {
  it('are listed by `videogen models`, with their documented limits', async () => {
    const models = await runCli(['models'], { timeoutMs: 30_000 });
    expect(models.code).toBe(0);
    expect(models.stdout).toMatch(/^replicate: Replicate predictions/m);
    expect(models.stdout).toMatch(/google\/veo-3\.1\s+4, 6, 8 s\s+16:9 9:16\s+720p 1080p\s+first\+last\s+yes/);
    expect(models.stdout).toMatch(/^runway: Runway tasks/m);
    expect(models.stdout).toMatch(/gen4_turbo\s+-\s+16:9 9:16 4:3 1:1 3:4 21:9\s+1280x720 .*image to video only/);
  });

  it('run on the in-process emulator (emulate: true), then plan nothing', async () => {
    const ws = await workspace(() => manifest('emulate', 6));
    expect((await cli(ws, 'validate', 'shots.yaml')).code).toBe(0);
    const applied = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const lock = await ws.lock();
    expect(Object.values(lock.shots).map((e) => e.state)).toEqual(Array(6).fill('completed'));
    expect(Object.values(lock.shots).every((e) => /^(rp-|task-)/.test(e.job_id ?? ''))).toBe(true);
    await expectOutputsMatchLock(ws, lock, { entries: 'completed' });
    const again = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(again.stdout).toContain('No changes');
  });

  it('with every fault on: each shot completes or fails with the right class, no job twice, tokens nowhere', async () => {
    const emu = await emulator({
      latencyMs: [150, 400],
      seed: 31,
      rateLimitRate: 0.1,
      errorRate: 0.1,
      dropRate: 0.05,
      truncateRate: 0.05,
      failRate: 0.2,
      moderationRate: 0.1,
      maxConcurrent: 2,
    });
    const ws = await workspace(() => manifest({ replicate: emu.url, runway: emu.url }, 16, { concurrency: 3 }));
    const first = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect([0, 1]).toContain(first.code);
    expect(emu.stats().jobs.created).toBe(16);
    const lock = await ws.lock();
    expect(Object.keys(lock.shots)).toHaveLength(16);
    await expectOutputsMatchLock(ws, lock, { entries: 'completed' });
    const failed = Object.values(lock.shots).filter((e) => e.state === 'failed');
    expect(failed.length + Object.values(lock.shots).filter((e) => e.state === 'completed').length).toBe(16);
    for (const entry of failed) {
      expect(entry.error?.class).toBe(MODERATION_CODE.test(entry.error?.code ?? '') ? 'moderation' : 'failed');
    }
    expect(failed.length).toBeGreaterThan(0);
    expect(emu.stats().authOnVideoUrls).toBe(0);

    // The next apply retries the generation failures, never the refusals.
    const retryable = failed.filter((e) => e.error?.class === 'failed').length;
    const second = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(emu.stats().jobs.created).toBe(16 + retryable);
    await expectOutputsMatchLock(ws, await ws.lock(), { entries: 'completed' });
    await expectNoTokens(ws, [first, second]);
  });
});

describe('a crash between sending a submission and recording its answer', () => {
  /** Starts apply through a proxy that keeps back the answers to job-creating POSTs, and kills it with all of them sent. */
  async function crashWithAnswersInFlight(type: ApiType, shots: number): Promise<{ emu: RunningEmulator; ws: Workspace; gate: InterceptingProxy }> {
    const emu = await emulator({ latencyMs: [200, 400], seed: 17 });
    const creates = type === 'replicate' ? /\/predictions$/ : /\/v1\/(text|image)_to_video$/;
    const gate = await proxy(emu.url, { hold: (method, path) => method === 'POST' && creates.test(path) });
    // Small images only: an uploaded one cannot be told apart in the list (providers-replicate-reconcile.test.ts).
    const ws = await workspace(() => manifest(type === 'replicate' ? { replicate: gate.url } : { runway: gate.url }, shots, { concurrency: shots, types: [type], largeImages: false }));
    const child = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: KEYS });
    const done = collect(child, { timeoutMs: 60_000 });
    for (let i = 0; i < 400 && !(gate.held() === shots && emu.stats().jobs.created === shots); i++) await delay(25);
    expect(gate.held()).toBe(shots);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // The lock knows each submission was intended, and no job id.
    const lock = await ws.lock();
    expect(Object.values(lock.shots).map((e) => [e.state, e.job_id])).toEqual(Array(shots).fill(['submitted', undefined]));
    gate.passThrough();
    return { emu, ws, gate };
  }

  it('on Replicate, the next apply finds each prediction by listing and adopts it: jobs created = shots', async () => {
    const { emu, ws } = await crashWithAnswersInFlight('replicate', 4);
    expect(emu.stats().jobs.created).toBe(4);
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout.match(/found the job of the interrupted submission/g)).toHaveLength(4);
    expect(result.stdout).not.toContain('may bill it twice');
    expect(emu.stats().jobs.created).toBe(4);
    expect(emu.stats().requests['GET /v1/predictions']).toBeGreaterThanOrEqual(1);
    const lock = await ws.lock();
    expect(Object.values(lock.shots).every((e) => e.state === 'completed')).toBe(true);
    await expectOutputsMatchLock(ws, lock, { entries: 'completed' });
  });

  it('on Runway, which lists no tasks, the next apply submits again and says it may bill twice', async () => {
    const { emu, ws } = await crashWithAnswersInFlight('runway', 3);
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout.match(/may bill it twice/g)).toHaveLength(3);
    expect(emu.stats().jobs.created).toBe(6);
    await expectOutputsMatchLock(ws, await ws.lock(), { entries: 'completed' });
  });
});

describe('runway under load', () => {
  it('waits out THROTTLED tasks and fetches a fresh URL when the first has expired', async () => {
    const emu = await emulator({ latencyMs: 200, maxConcurrent: 1, urlTtlMs: 400, seed: 5 });
    const firstDownload = new Set<string>();
    // The first download of each task's video reaches the emulator only after its URL expired.
    const slow = await proxy(emu.url, {
      delayMs: (method, path) => {
        const job = /^\/_emulator\/videos\/runway\/(.+)\.[0-9a-f]{12}\.mp4/.exec(path)?.[1];
        if (method !== 'GET' || job === undefined || firstDownload.has(job)) return 0;
        firstDownload.add(job);
        return 500;
      },
    });
    const ws = await workspace(() => manifest({ runway: slow.url }, 3, { concurrency: 3, types: ['runway'] }));
    const result = await cli(ws, 'apply', 'shots.yaml', '--yes');
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const tasks = slow.forwarded.filter((f) => f.path.startsWith('/v1/tasks/')).map((f) => (JSON.parse(f.body.toString('utf8')) as { status: string }).status);
    expect(tasks).toContain('THROTTLED');
    const videos = slow.forwarded.filter((f) => f.path.startsWith('/_emulator/videos/runway/'));
    expect(videos.filter((f) => f.status === 403)).toHaveLength(3);
    expect(videos.filter((f) => f.status === 200)).toHaveLength(3);
    expect(emu.stats().jobs.created).toBe(3);
    expect(emu.stats().faults.concurrencyLimited).toBe(0);
    await expectOutputsMatchLock(ws, await ws.lock(), { entries: 'completed' });
  });
});
