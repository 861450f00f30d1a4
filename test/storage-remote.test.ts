/**
 * A campaign with `storage:` end to end: the real CLI, the emulator, and a real S3 protocol
 * implementation (s3rver) on loopback reached through the AWS SDK. A teammate's fresh clone
 * gets every video with `pull`, and reuses the store's videos, without one job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import type { Lock } from '../src/lock/types.js';
import { BIN, REPO_ROOT, runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { s3Env, startS3, withStorage, type RunningS3 } from './helpers/s3.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

describe('storage: a campaign shared through an S3 store', () => {
  let emulator: RunningEmulator;
  let s3: RunningS3;
  const workspaces: Workspace[] = [];
  const env = { ...TEST_KEYS, ...s3Env() };
  const cli = (ws: Workspace, args: string[], extra: Record<string, string> = env) => runCli(args, { cwd: ws.dir, env: extra, timeoutMs: 60_000 });
  let origin: Workspace;
  let lock: Lock;

  const workspace = async () => {
    const ws = await createWorkspace();
    workspaces.push(ws);
    return ws;
  };
  /** A teammate's clone: the manifest and the lock, as git would give them; no outputs, no cache. */
  const clone = async () => {
    const ws = await workspace();
    await ws.write('shots.yaml', await origin.read('shots.yaml'));
    await ws.write('shots.lock.yaml', await origin.read('shots.lock.yaml'));
    return ws;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 100, seed: 31 });
    s3 = await startS3(['videos']);
    origin = await workspace();
    const manifest = withStorage(campaignManifest({ emulatorUrl: emulator.url, shots: 5 }), s3.endpoint);
    await origin.write('shots.yaml', manifest);
  });
  afterAll(async () => {
    for (const ws of workspaces) await ws.remove();
    await s3?.close();
    await emulator?.close();
  });

  it('apply uploads every new output and its spec index entry', async () => {
    const result = await cli(origin, ['apply', '--yes']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(submissions(emulator.stats())).toBe(5);
    lock = parseLockText(await origin.read('shots.lock.yaml'), 'shots.lock.yaml');
    const status = await cli(origin, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout).shots as Array<{ id: string; store?: string }>;
    expect(rows.map((row) => row.store)).toEqual(['present', 'present', 'present', 'present', 'present']);
  });

  it('a fresh clone pulls every output, verified, without one job, and then plans nothing', async () => {
    const ws = await clone();
    const pull = await cli(ws, ['pull']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('Pulled 5 outputs (0 from the local cache, 5 from the store); 0 already present.');
    await expectOutputsMatchLock(ws, lock);
    expect((await cli(ws, ['plan', '--detailed-exitcode'])).code).toBe(0);
    expect((await cli(ws, ['apply', '--yes'])).stdout).toContain('No changes');
    expect(submissions(emulator.stats())).toBe(5);
  });

  it('pull --only restores just the selected outputs', async () => {
    const ws = await clone();
    const pull = await cli(ws, ['pull', '--only', 'tag:even', '--only', 'shot-001']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('Pulled 4 outputs');
    expect(await ws.exists('out/shot-003.mp4')).toBe(false);
    expect((await cli(ws, ['pull', '--only', 'no-such-shot'])).code).toBe(3);
  });

  it("a teammate's renamed shot reuses the store's video: & in the plan, no job, no key", async () => {
    const ws = await clone();
    await ws.write('shots.yaml', (await ws.read('shots.yaml')).replace('id: shot-004', 'id: closing-shot'));
    const plan = await cli(ws, ['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/& closing-shot \(hg\): the same spec was generated before \(shot shot-004, job \S+\): download it from the store, no job/);
    const apply = await cli(ws, ['apply', '--yes', '--only', 'closing-shot'], s3Env());
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect(submissions(emulator.stats())).toBe(5);
    const after = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(after.shots['closing-shot']).toMatchObject({
      output: { path: 'out/closing-shot.mp4', sha256: lock.shots['shot-004']!.output!.sha256 },
      reused_from: { source: 'store', job_id: lock.shots['shot-004']!.job_id, shot: 'shot-004', provider: 'hg' },
    });
    expect(await ws.sha256('out/closing-shot.mp4')).toBe(lock.shots['shot-004']!.output!.sha256);
    // This machine learns the spec from the store: the next reuse of it needs no store.
    const logged = (await ws.read('.videogen/cache/specs.jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line) as { spec_hash: string });
    expect(logged.map((entry) => entry.spec_hash)).toContain(lock.shots['shot-004']!.spec_hash);
  });

  it('never prints the credentials, and validate never loads the AWS SDK', async () => {
    const ws = await clone();
    const secret = 'aws-secret-never-shown-0123456789';
    const denied = await cli(ws, ['pull'], { ...s3Env(), AWS_ACCESS_KEY_ID: 'AKIANOTKNOWNTOS3RVER', AWS_SECRET_ACCESS_KEY: secret });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('VIDEOGEN_STORAGE_ACCESS_DENIED');
    expect(denied.stderr + denied.stdout).not.toMatch(/AKIANOTKNOWNTOS3RVER|aws-secret-never-shown/);

    const log = ws.path('validate-modules.log');
    const run = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'test', 'helpers', 'module-log-register.mjs'), BIN, 'validate'], {
      cwd: ws.dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NO_COLOR: '1', MODULE_LOG: log },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter((url) => /@aws-sdk|@smithy|\/dist\/storage\/s3-/.test(url))).toEqual([]);
  });

  it('push says what the store already has, and refuses without storage:', async () => {
    const push = await cli(origin, ['push']);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toBe('Pushed 0 outputs to s3://videos/campaign; 5 already there.\n');
    const ws = await workspace();
    await ws.write('shots.yaml', 'version: 1\nshots:\n  - id: a\n    provider: heygen\n    prompt: x\n');
    const refused = await cli(ws, ['push']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('VIDEOGEN_STORAGE_NOT_CONFIGURED');
  });
});
