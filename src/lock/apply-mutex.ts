/**
 * One apply per manifest at a time: `<lock>.pid` names the process that holds it. Two applies
 * writing one lock would each overwrite the other's job ids, and a lost job id is a video
 * paid for and never collected.
 *
 * The pid file appears with its content in one step (written to a temp file, then hard-linked
 * into place, which fails if the name exists), so nobody ever reads a half-written one. A pid
 * file whose process is gone is taken over under a second, short-lived `.takeover` file, so
 * two processes that both find it stale cannot both win.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { LockBusyError } from '../errors.js';

export interface ApplyMutex {
  release(): Promise<void>;
  /** Pid of the dead process whose stale pid file was taken over. */
  tookOverFrom?: number;
}

interface PidInfo {
  pid: number;
  hostname: string;
  started_at: string;
}

/** A takeover file older than this belongs to a taker that died mid-way. */
const TAKEOVER_STALE_MS = 10_000;
const MAX_ATTEMPTS = 50;

/**
 * Pid files this process holds, and acquires in progress here. A pid file naming our own pid
 * that neither explains was left by an earlier process (containers reuse small pids on every start).
 */
const heldHere = new Set<string>();
const acquiringHere = new Map<string, number>();

export async function acquireApplyMutex(lockFile: string): Promise<ApplyMutex> {
  const pidFile = `${lockFile}.pid`;
  acquiringHere.set(pidFile, (acquiringHere.get(pidFile) ?? 0) + 1);
  try {
    return await acquire(pidFile);
  } finally {
    const left = (acquiringHere.get(pidFile) ?? 1) - 1;
    if (left > 0) acquiringHere.set(pidFile, left);
    else acquiringHere.delete(pidFile);
  }
}

async function acquire(pidFile: string): Promise<ApplyMutex> {
  const content = `${JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: new Date().toISOString() } satisfies PidInfo)}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (await createExclusive(pidFile, content)) return held(pidFile, content, undefined);

    const existing = await readIfExists(pidFile);
    if (existing === undefined) continue; // released between our attempt and our read
    const holder = parsePidInfo(existing);
    if (holder && isHeld(pidFile, holder)) throw busy(pidFile, holder);

    const takeover = await takeOver(pidFile, existing, content);
    if (takeover === 'taken') return held(pidFile, content, holder?.pid);
    if (takeover === 'contended') await delay(20 + Math.random() * 30);
    // 'changed': someone else took it over or released it; look again.
  }
  throw new LockBusyError(`could not acquire ${pidFile}: other processes keep taking it`, 'try again in a moment');
}

function isHeld(pidFile: string, holder: PidInfo): boolean {
  if (holder.hostname !== hostname()) return true; // cannot check another machine's processes: assume alive
  if (holder.pid === process.pid) return heldHere.has(pidFile) || (acquiringHere.get(pidFile) ?? 0) > 1;
  return isAlive(holder.pid);
}

function held(pidFile: string, content: string, tookOverFrom: number | undefined): ApplyMutex {
  heldHere.add(pidFile);
  // A process that exits without releasing (an uncaught error, process.exit on a second Ctrl-C) still cleans up.
  const onExit = (): void => {
    try {
      if (readFileSync(pidFile, 'utf8') === content) unlinkSync(pidFile);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', onExit);
  let released = false;
  return {
    ...(tookOverFrom === undefined ? {} : { tookOverFrom }),
    async release(): Promise<void> {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      heldHere.delete(pidFile);
      if ((await readIfExists(pidFile)) === content) await unlink(pidFile).catch(ignoreMissing);
    },
  };
}

/**
 * Replaces a stale pid file, holding `<pid file>.takeover` meanwhile. Returns 'taken' when the
 * pid file is now ours, 'changed' when it no longer holds what we judged stale, 'contended'
 * when another process is in the middle of a takeover.
 */
async function takeOver(pidFile: string, staleContent: string, content: string): Promise<'taken' | 'changed' | 'contended'> {
  const takeoverFile = `${pidFile}.takeover`;
  if (!(await createExclusive(takeoverFile, content))) {
    await removeAbandonedTakeover(takeoverFile);
    return 'contended';
  }
  try {
    if ((await readIfExists(pidFile)) !== staleContent) return 'changed';
    await unlink(pidFile).catch(ignoreMissing);
    return (await createExclusive(pidFile, content)) ? 'taken' : 'changed';
  } finally {
    await unlink(takeoverFile).catch(ignoreMissing);
  }
}

async function removeAbandonedTakeover(takeoverFile: string): Promise<void> {
  const text = await readIfExists(takeoverFile);
  if (text === undefined) return;
  const taker = parsePidInfo(text);
  const age = await stat(takeoverFile).then((info) => Date.now() - info.mtimeMs, () => 0);
  const takerGone = taker ? taker.hostname === hostname() && !isAlive(taker.pid) : age > TAKEOVER_STALE_MS;
  if (takerGone || age > TAKEOVER_STALE_MS) await unlink(takeoverFile).catch(ignoreMissing);
}

/** Creates `file` holding `content`, atomically and only if it does not exist. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    if (isCode(error, 'EPERM') || isCode(error, 'ENOTSUP') || isCode(error, 'EXDEV')) return createWithoutLink(file, content);
    throw error;
  } finally {
    await unlink(temp).catch(ignoreMissing);
  }
}

/** For file systems without hard links: `wx` is still exclusive, only briefly empty. */
async function createWithoutLink(file: string, content: string): Promise<boolean> {
  try {
    await writeFile(file, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
}

function busy(pidFile: string, holder: PidInfo): LockBusyError {
  const where = holder.hostname === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.hostname}`;
  return new LockBusyError(
    `another videogen apply (${where}, started ${holder.started_at}) is using this manifest's lock`,
    `wait for it, or delete ${pidFile} if that process is gone`,
  );
}

function parsePidInfo(text: string): PidInfo | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, hostname: host, started_at: startedAt } = value as Record<string, unknown>;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string') return undefined;
    return { pid: pid as number, hostname: host, started_at: typeof startedAt === 'string' ? startedAt : 'at an unknown time' };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return !isCode(error, 'ESRCH');
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    // Something that is not a pid file sits where ours goes: nobody can hold the lock through
    // it, and deleting a directory or device is not ours to do.
    if (isCode(error, 'EISDIR') || isCode(error, 'EACCES')) {
      throw new LockBusyError(`${file} exists but is not a readable pid file`, `remove ${file} by hand, then apply again`);
    }
    throw error;
  }
}

function ignoreMissing(error: unknown): void {
  if (!isCode(error, 'ENOENT')) throw error;
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === code;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
