/**
 * A lockfile that cannot be written is not a provider error: no submission goes out without
 * its intent on disk, and the failure keeps its own code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import { LockWriter } from '../src/lock/lock-writer.js';
import { emptyLock } from '../src/lock/types.js';
import { loadManifest } from '../src/manifest/load.js';
import { campaignManifest, executeAllNew, submissions, testProviders } from './helpers/campaign.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

describe('executor: a lockfile that cannot be written', () => {
  let emulator: RunningEmulator | undefined;
  let ws: Workspace | undefined;
  afterEach(async () => {
    await emulator?.close();
    await ws?.remove();
  });

  it('submits nothing and reports VIDEOGEN_LOCK_WRITE', async () => {
    emulator = await startEmulator({ latencyMs: 100 });
    ws = await createWorkspace();
    await ws.write('shots.yaml', campaignManifest({ emulatorUrl: emulator.url, shots: 4 }));
    const manifest = await loadManifest(ws.path('shots.yaml'));
    const http = new HttpClient();
    // A lock in a folder that does not exist: every write fails.
    const lock = new LockWriter(join(ws.dir, 'missing-folder', 'shots.lock.yaml'), emptyLock());
    const { summary, events } = await executeAllNew(manifest, await testProviders(manifest, http), lock);
    await http.close();
    expect(summary.failed).toBe(4);
    expect(submissions(emulator.stats())).toBe(0);
    const failures = events.filter((event) => event.state === 'failed');
    expect(failures.map((event) => event.error?.code)).toEqual(Array(4).fill('VIDEOGEN_LOCK_WRITE'));
  });
});
