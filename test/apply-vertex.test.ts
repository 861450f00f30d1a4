/**
 * vertex-veo end to end: the real CLI, the emulator (in-process with `emulate: true`, or started
 * here with faults), real files and lock. Every shot completes or fails with the class its job's
 * fate calls for, jobs created equals shots, every output matches its sha256, and the token is
 * nowhere in the output, the lock or the journal. Application default credentials from a
 * service-account key file run for real, through the token proxy of helpers/google-token-proxy.ts.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJobId } from '../src/emulator/job-id.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/server.js';
import { VERTEX_JOBS } from '../src/emulator/vertex/operation.js';
import { EMULATOR_ACCESS_TOKEN } from '../src/emulator/vertex/tokens.js';
import type { Lock } from '../src/lock/types.js';
import { collect, runCli, startCli, type CliOptions } from './helpers/cli.js';
import { startGoogleTokenProxy, writeServiceAccountKey } from './helpers/google-token-proxy.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { pngBytes } from './providers-helpers.js';

const TOKEN_ENV = { GOOGLE_OAUTH_ACCESS_TOKEN: EMULATOR_ACCESS_TOKEN };

/** Shots alternate between inline videos (`veo`) and Cloud Storage (`stored`); the first starts from an image. */
function manifest(shots: number, where: { emulatorUrl: string } | 'emulate', extra = ''): string {
  const endpoint = (name: string, storage: string) =>
    [
      `  ${name}:`,
      '    type: vertex-veo',
      '    project: campaign-project-1',
      ...(where === 'emulate' ? ['    emulate: true'] : [`    base_url: ${where.emulatorUrl}/v1`, `    storage_url: ${where.emulatorUrl}/storage/v1`]),
      ...(storage ? [`    storage_uri: ${storage}`] : []),
      '    concurrency: 4',
      '    poll: { initial: 100ms, max: 300ms }',
      ...(extra ? [`    ${extra}`] : []),
    ].join('\n');
  const lines = ['version: 1', 'providers:', endpoint('veo', ''), endpoint('stored', 'gs://campaign-bucket/q4/'), 'shots:'];
  for (let i = 0; i < shots; i++) {
    lines.push(`  - id: shot-${String(i).padStart(2, '0')}`);
    lines.push(`    provider: ${i % 2 === 0 ? 'veo' : 'stored'}`);
    lines.push(`    prompt: "Scene ${i}, a slow dolly shot along a harbour"`);
    lines.push(`    duration: ${[4, 6, 8][i % 3]}`);
    if (i % 3 === 0) lines.push('    aspect_ratio: "9:16"');
    if (i === 0) lines.push('    reference_image: first.png');
  }
  return `${lines.join('\n')}\n`;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function campaign(shots: number, emulatorOptions?: EmulatorOptions, extra?: string): Promise<{ emulator?: RunningEmulator; ws: Workspace }> {
  const emulator = emulatorOptions ? await startEmulator(emulatorOptions) : undefined;
  const ws = await createWorkspace();
  cleanups.push(() => ws.remove());
  if (emulator) cleanups.push(() => emulator.close());
  await ws.write('first.png', pngBytes(8, 8));
  await ws.write('shots.yaml', manifest(shots, emulator ? { emulatorUrl: emulator.url } : 'emulate', extra));
  return { ...(emulator ? { emulator } : {}), ws };
}

const cli = (ws: Workspace, args: string[], options: CliOptions = {}) => runCli(args, { cwd: ws.dir, env: TOKEN_ENV, timeoutMs: 90_000, ...options });
// With the journal replayed, as every command reads it: after a kill, what was recorded is there.

/** Everything a token could leak into. */
async function everythingWritten(ws: Workspace, ...outputs: Array<{ stdout: string; stderr: string }>): Promise<string> {
  const journal = await readFile(ws.path('shots.lock.journal'), 'utf8').catch(() => '');
  return [...outputs.flatMap((o) => [o.stdout, o.stderr]), await ws.read('shots.lock.yaml'), journal].join('\n');
}

async function expectVerifiedOutputs(ws: Workspace, lock: Lock): Promise<number> {
  for (const [id, entry] of Object.entries(lock.shots)) {
    if (entry.state !== 'completed') continue;
    expect(entry.job_id, id).toMatch(/^projects\/campaign-project-1\/locations\/us-central1\/publishers\/google\/models\/veo-3\.1-fast-generate-001\/operations\//);
  }
  return expectOutputsMatchLock(ws, lock, { entries: 'completed' });
}

describe('vertex-veo: apply end to end', () => {
  it('emulate: true, inline and Cloud Storage videos, an image shot; a rerun changes nothing', async () => {
    const { ws } = await campaign(5);
    const first = await cli(ws, ['apply', 'shots.yaml', '--yes']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const lock = await ws.lock();
    expect(await expectVerifiedOutputs(ws, lock)).toBe(5);
    expect(lock.shots['shot-01']?.remote?.gcs_uri).toMatch(/^gs:\/\/campaign-bucket\/q4\/shot-01\/veo\S+\/sample_0\.mp4$/);
    expect(lock.shots['shot-00']?.spec).toMatchObject({ aspect_ratio: '9:16', duration: 4, resolution: '720p', audio: true, reference_image: expect.stringMatching(/^sha256:/) });

    const rerun = await cli(ws, ['apply', 'shots.yaml', '--yes']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('No changes');
    expect(await everythingWritten(ws, first, rerun)).not.toContain(EMULATOR_ACCESS_TOKEN);
  });

  it('under faults every shot completes or fails with its class, jobs created = shots, and the next apply retries only the failures', async () => {
    const shots = 16;
    const { emulator, ws } = await campaign(shots, {
      latencyMs: [100, 400],
      seed: 31,
      rateLimitRate: 0.15,
      errorRate: 0.05,
      dropRate: 0.2,
      truncateRate: 0.2,
      failRate: 0.15,
      moderationRate: 0.15,
    });
    const first = await cli(ws, ['apply', 'shots.yaml', '--yes', '--concurrency', '8']);
    expect(emulator!.stats().jobs.created).toBe(shots);
    const lock = await ws.lock();
    expect(Object.keys(lock.shots)).toHaveLength(shots);
    const retried: string[] = [];
    for (const [id, entry] of Object.entries(lock.shots)) {
      const fate = decodeJobId(entry.job_id!.split('/').at(-1)!, VERTEX_JOBS)!;
      if (fate.moderated) expect(entry, id).toMatchObject({ state: 'failed', error: { code: 'rai_media_filtered', class: 'moderation' } });
      else if (fate.fails) expect(entry, id).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', class: 'failed' } });
      else expect(entry.state, id).toBe('completed');
      if (entry.state === 'failed' && entry.error?.class !== 'moderation') retried.push(id);
    }
    const completed = await expectVerifiedOutputs(ws, lock);
    expect(first.code).toBe(completed === shots ? 0 : 1);
    // The seed gives this run some of each ending (fates are drawn per job, in order).
    const classes = Object.values(lock.shots).map((entry) => entry.error?.class ?? entry.state);
    expect(new Set(classes)).toEqual(new Set(['completed', 'failed', 'moderation']));
    const stats = emulator!.stats();
    expect(stats.faults.rateLimited + stats.faults.errors + stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
    expect((await ws.files()).filter((file) => file.endsWith('.part'))).toEqual([]);

    // Refusals stay refused; generation failures get one more job each.
    const second = await cli(ws, ['apply', 'shots.yaml', '--yes']);
    expect(emulator!.stats().jobs.created).toBe(shots + retried.length);
    for (const [id, entry] of Object.entries((await ws.lock()).shots)) {
      if (lock.shots[id]!.error?.class === 'moderation') expect(entry).toEqual(lock.shots[id]);
    }
    expect(await everythingWritten(ws, first, second)).not.toContain(EMULATOR_ACCESS_TOKEN);
  });

  it('survives kill -9 once every job id is recorded: the next apply resumes each operation by its name, billing nothing twice', async () => {
    const shots = 6;
    const { emulator, ws } = await campaign(shots, { latencyMs: [1500, 2500], seed: 4 });
    const child = startCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TOKEN_ENV });
    const done = collect(child);
    const deadline = Date.now() + 20_000;
    for (;;) {
      // The lock (and its journal, where there is one) as written so far.
      const written = (await readFile(ws.path('shots.lock.yaml'), 'utf8').catch(() => '')) + (await readFile(ws.path('shots.lock.journal'), 'utf8').catch(() => ''));
      const recorded = new Set([...written.matchAll(/operations\/(veo[A-Za-z0-9_-]+)/g)].map((m) => m[1]));
      if (recorded.size >= shots || Date.now() > deadline) break;
      await delay(50);
    }
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(emulator!.stats().jobs.created).toBe(shots);

    const resumed = await cli(ws, ['apply', 'shots.yaml', '--yes']);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.stdout).toContain(`${shots} resumed`);
    expect(await expectVerifiedOutputs(ws, await ws.lock())).toBe(shots);
    expect(emulator!.stats().jobs.created).toBe(shots);
  });

  it('without a token: application default credentials from a service-account key file, its assertion exchanged at the token endpoint', async () => {
    const { emulator, ws } = await campaign(2, { latencyMs: 150 });
    const proxy = await startGoogleTokenProxy(ws.dir, emulator!.url);
    cleanups.push(() => proxy.close());
    await writeServiceAccountKey(ws.path('service-account.json'), 'campaign-project-1');
    const env = {
      GOOGLE_OAUTH_ACCESS_TOKEN: undefined,
      GOOGLE_APPLICATION_CREDENTIALS: ws.path('service-account.json'),
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: proxy.caFile,
      // No well-known gcloud credentials of whoever runs the tests.
      HOME: ws.dir,
    };
    const result = await cli(ws, ['apply', 'shots.yaml', '--yes'], { env });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(emulator!.stats().requests['POST /token']).toBeGreaterThanOrEqual(1);
    expect(proxy.refused).toEqual([]);
    expect(await expectVerifiedOutputs(ws, await ws.lock())).toBe(2);
    const written = await everythingWritten(ws, result);
    expect(written).not.toContain(EMULATOR_ACCESS_TOKEN);
    expect(written).not.toContain('PRIVATE KEY');
  });

  it('without a token or credentials: the shots fail as invalid, saying where tokens come from, and nothing is created', async () => {
    const { emulator, ws } = await campaign(2, { latencyMs: 100 });
    const env = { GOOGLE_OAUTH_ACCESS_TOKEN: undefined, GOOGLE_APPLICATION_CREDENTIALS: ws.path('missing.json'), HOME: ws.dir };
    const result = await cli(ws, ['apply', 'shots.yaml', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('no Google access token for Vertex AI');
    expect(result.stdout + result.stderr).toContain('gcloud auth print-access-token');
    for (const entry of Object.values((await ws.lock()).shots)) expect(entry).toMatchObject({ state: 'failed', error: { class: 'invalid' } });
    expect(emulator!.stats().jobs.created).toBe(0);
  });
});
