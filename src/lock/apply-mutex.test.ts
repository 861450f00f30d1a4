import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockBusyError } from '../errors.js';
import { acquireApplyMutex } from './apply-mutex.js';

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('acquireApplyMutex', () => {
  let dir: string;
  let lockFile: string;
  let pidFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'videogen-mutex-'));
    lockFile = join(dir, 'shots.lock.yaml');
    pidFile = `${lockFile}.pid`;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the pid file, refuses a second acquire, and releases', async () => {
    const mutex = await acquireApplyMutex(lockFile);
    expect(mutex.tookOverFrom).toBeUndefined();
    const info = JSON.parse(await readFile(pidFile, 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Number.isNaN(Date.parse(String(info.started_at)))).toBe(false);

    const second = await acquireApplyMutex(lockFile).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(LockBusyError);
    expect((second as LockBusyError).message).toContain(`process ${process.pid}`);
    expect((second as LockBusyError).message).toContain(String(info.started_at));
    expect((second as LockBusyError).hint).toContain(pidFile);
    expect((second as LockBusyError).exitCode).toBe(1);

    await mutex.release();
    expect(await readdir(dir)).toEqual([]);
    const again = await acquireApplyMutex(lockFile);
    await again.release();
  });

  it('refuses while another live process holds it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(pidFile, JSON.stringify({ pid: child.pid, hostname: hostname(), started_at: '2026-11-21T10:00:00.000Z' }));
      await expect(acquireApplyMutex(lockFile)).rejects.toThrow(`process ${child.pid}, started 2026-11-21T10:00:00.000Z`);
    } finally {
      child.kill();
    }
  });

  it('takes over the pid file of a dead process', async () => {
    const pid = await deadPid();
    await writeFile(pidFile, JSON.stringify({ pid, hostname: hostname(), started_at: '2026-11-21T10:00:00.000Z' }));
    const mutex = await acquireApplyMutex(lockFile);
    expect(mutex.tookOverFrom).toBe(pid);
    expect(JSON.parse(await readFile(pidFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await mutex.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over an unparsable pid file', async () => {
    await writeFile(pidFile, 'garbage');
    const mutex = await acquireApplyMutex(lockFile);
    expect(JSON.parse(await readFile(pidFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await mutex.release();
  });

  it('lets exactly one of several racing takers win a stale pid file', async () => {
    const pid = await deadPid();
    await writeFile(pidFile, JSON.stringify({ pid, hostname: hostname(), started_at: '2026-11-21T10:00:00.000Z' }));
    // Same process, so each winner is recognised as live by the others.
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireApplyMutex(lockFile)));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(LockBusyError);
    }
    await (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireApplyMutex>>>).value.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats a pid file naming this pid but not held here as left by an earlier process', async () => {
    // Containers give the main process the same small pid on every start.
    await writeFile(pidFile, JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: '2026-11-21T10:00:00.000Z' }));
    const mutex = await acquireApplyMutex(lockFile);
    expect(mutex.tookOverFrom).toBe(process.pid);
    await mutex.release();
  });

  it('release leaves a pid file that is no longer ours', async () => {
    const mutex = await acquireApplyMutex(lockFile);
    const foreign = JSON.stringify({ pid: 1, hostname: 'elsewhere', started_at: '2026-11-21T10:00:00.000Z' });
    await writeFile(pidFile, foreign);
    await mutex.release();
    expect(await readFile(pidFile, 'utf8')).toBe(foreign);
  });

  it('refuses a pid file from another host rather than guessing', async () => {
    await writeFile(pidFile, JSON.stringify({ pid: 123, hostname: 'build-agent-7', started_at: '2026-11-21T10:00:00.000Z' }));
    await expect(acquireApplyMutex(lockFile)).rejects.toThrow('process 123 on build-agent-7');
  });

  it('removes the pid file from its exit hook when the process exits without releasing', async () => {
    const mutex = await acquireApplyMutex(lockFile);
    const listeners = process.listeners('exit');
    const hook = listeners[listeners.length - 1] as () => void;
    hook();
    expect(await readdir(dir)).toEqual([]);
    await mutex.release();
  });
});
