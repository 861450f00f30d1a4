/**
 * fsync of a directory, shared by every caller that asks while one is on its way. A rename is
 * durable once a sync of its directory that started after the rename has finished; at 1,000
 * downloads a second, one directory sync per rename was a thousand fsyncs a second of the
 * same directory. Here a caller waits for the next sync to start, which it shares with every
 * other caller that arrives before then.
 */
import { open } from 'node:fs/promises';

interface DirectorySyncs {
  running: Promise<void> | undefined;
  /** The sync after the running one, shared by everyone who asked since it started. */
  queued: Promise<void> | undefined;
}

const byDirectory = new Map<string, DirectorySyncs>();

/**
 * Best effort, like every directory sync here: not every platform can open a directory.
 * `syncOnce` is the sync itself (tests count them).
 */
export function syncDirectoryShared(dir: string, syncOnce: (dir: string) => Promise<void> = syncDirectoryOnce): Promise<void> {
  let syncs = byDirectory.get(dir);
  if (!syncs) {
    syncs = { running: undefined, queued: undefined };
    byDirectory.set(dir, syncs);
  }
  const state = syncs;
  if (!state.running) return start(dir, state, syncOnce);
  state.queued ??= state.running.then(() => {
    state.queued = undefined;
    return start(dir, state, syncOnce);
  });
  return state.queued;
}

function start(dir: string, state: DirectorySyncs, syncOnce: (dir: string) => Promise<void>): Promise<void> {
  const running = syncOnce(dir).finally(() => {
    if (state.running !== running) return;
    state.running = undefined;
    if (!state.queued) byDirectory.delete(dir);
  });
  state.running = running;
  return running;
}

async function syncDirectoryOnce(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
