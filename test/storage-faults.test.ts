/**
 * The store failing mid-run: refusing uploads (403, 500) or dropping the connections they
 * travel on, through a proxy in front of s3rver. Every paid video must still be on disk and
 * completed in the lock; `status` must say what the store lacks; `push` must complete the
 * store afterwards; and nothing may be generated twice.
 */
import { describe, expect, it } from 'vitest';
import { parseLockText } from '../src/lock/read.js';
import { runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { isWrite, s3ErrorBody, startFaultProxy, type Fault } from './helpers/fault-proxy.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { s3Env, startS3, withStorage } from './helpers/s3.js';
import { useScratch } from './helpers/scratch.js';
import { startEmulator, type EmulatorOptions } from '../src/emulator/server.js';
import { createWorkspace } from './helpers/workspace.js';

const FAULTS: Array<[string, Fault]> = [
  ['drops the connection of every upload', 'reset'],
  ['answers 500 to every upload', { status: 500, body: s3ErrorBody('InternalError', 'We encountered an internal error. Please try again.') }],
  ['refuses every upload with 403', { status: 403, body: s3ErrorBody('AccessDenied', 'Access Denied') }],
];

describe('apply while the store fails', () => {
  const scratch = useScratch('videogen-store-faults-');

  /** An emulator, and a campaign whose `storage:` is s3rver behind a fault proxy; all closed after the test. */
  async function campaignBehindProxy(emulatorOptions: EmulatorOptions, shots: number) {
    const emulator = await startEmulator(emulatorOptions);
    const s3 = await startS3(['videos']);
    const proxy = await startFaultProxy(s3.endpoint);
    const ws = await createWorkspace();
    scratch.defer(
      () => ws.remove(),
      () => s3.close(),
      () => proxy.close(),
      () => emulator.close(),
    );
    const manifest = withStorage(campaignManifest({ emulatorUrl: emulator.url, shots }), proxy.url);
    await ws.write('shots.yaml', manifest);
    const cli = (...args: string[]) => runCli(args, { cwd: ws.dir, env: { ...TEST_KEYS, ...s3Env() }, timeoutMs: 90_000 });
    return { emulator, proxy, ws, manifest, cli };
  }

  it.each(FAULTS)('keeps every shot when the store %s, and push completes the store later', async (_label, fault) => {
    const { emulator, proxy, ws, cli } = await campaignBehindProxy({ latencyMs: 100, seed: 41 }, 2);
    // Reads pass (the plan can ask about reuse); every write fails.
    proxy.setRule((req) => (isWrite(req) ? fault : 'pass'));
    const apply = await cli('apply', '--yes');
    expect(apply.code, apply.stderr + apply.stdout).toBe(1);
    expect(apply.stdout).toContain('2 outputs are not in the store yet (kept on disk); `videogen push` uploads them.');
    expect(apply.stdout).toMatch(/not in the store yet: VIDEOGEN_STORAGE_(UNREACHABLE|ACCESS_DENIED): upload to s3:\/\/videos\/campaign\/sha256\//);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    await expectOutputsMatchLock(ws, lock);

    proxy.setRule(() => 'pass');
    const push = await cli('push');
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain('Pushed 2 outputs to s3://videos/campaign; 0 already there.');
    expect(submissions(emulator.stats())).toBe(2);
  });

  it('uploads what it can when the store goes away mid-run; status says what is missing, push uploads only that', async () => {
    const { emulator, proxy, ws, manifest, cli } = await campaignBehindProxy({ latencyMs: [100, 400], seed: 42 }, 6);
    // The first video and its index entry get through; then every write is dropped.
    let writes = 0;
    proxy.setRule((req) => (isWrite(req) && ++writes > 2 ? 'reset' : 'pass'));
    const apply = await cli('apply', '--yes');
    expect(apply.code).toBe(1);
    const notPushed = Number(/(\d+) outputs? (?:is|are) not in the store yet/.exec(apply.stdout)?.[1]);
    expect(notPushed).toBeGreaterThanOrEqual(1);
    expect((await cli('status')).stdout).toContain(`${notPushed} not pushed (\`videogen push\` uploads them)`);
    // Nothing is lost or generated again by running apply while the store is still down.
    expect((await cli('apply', '--yes')).stdout).toContain('No changes');

    proxy.setRule(() => 'pass');
    const push = await cli('push');
    expect(push.code, push.stderr).toBe(0);
    // The first write was a video (a spec index entry only ever follows its video), so the
    // store had at least one; push uploads the rest, and no more than apply said were missing.
    const [, uploaded, present] = /Pushed (\d+) outputs? to s3:\/\/videos\/campaign; (\d+) already there\./.exec(push.stdout)!.map(Number);
    expect(uploaded! + present!).toBe(6);
    expect(present).toBeGreaterThanOrEqual(1);
    expect(uploaded).toBeGreaterThanOrEqual(1);
    expect(uploaded).toBeLessThanOrEqual(notPushed);
    expect((await cli('status')).stdout).not.toContain('not pushed');
    expect(submissions(emulator.stats())).toBe(6);

    // The store is complete now: a fresh clone gets every video from it.
    const fresh = await createWorkspace();
    scratch.defer(() => fresh.remove());
    await fresh.write('shots.yaml', manifest);
    await fresh.write('shots.lock.yaml', await ws.read('shots.lock.yaml'));
    const pull = await runCli(['pull'], { cwd: fresh.dir, env: s3Env(), timeoutMs: 60_000 });
    expect(pull.stdout).toContain('Pulled 6 outputs (0 from the local cache, 6 from the store)');
  });

  it('stops plan with a clear error when the store cannot be reached, rather than paying for what it may hold', async () => {
    const emulator = await startEmulator({ latencyMs: 100 });
    const ws = await createWorkspace();
    scratch.defer(
      () => ws.remove(),
      () => emulator.close(),
    );
    await ws.write(
      'shots.yaml',
      withStorage(campaignManifest({ emulatorUrl: emulator.url, shots: 2 }), 'http://127.0.0.1:9'),
    );
    const apply = await runCli(['apply', '--yes'], { cwd: ws.dir, env: { ...TEST_KEYS, ...s3Env() }, timeoutMs: 60_000 });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^error VIDEOGEN_STORAGE_UNREACHABLE: reading the spec index s3:\/\/videos\/campaign\/specs\/[0-9a-f]{64}\.json: the store at http:\/\/127\.0\.0\.1:9 could not be reached \(ECONNREFUSED\)\nhint: /);
    expect(submissions(emulator.stats())).toBe(0);
  });
});
