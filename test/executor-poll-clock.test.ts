/**
 * A job's first poll counts from the provider's answer to its submission, not from the moment
 * its job id was durably recorded: a slow disk must not add its wait to every job's cycle
 * (at 1,000 jobs in flight the record waits on its turn in the journal, tens of milliseconds
 * of each second). The poll still never goes out before the id is on disk.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { LockWriter, type LockChange } from '../src/lock/lock-writer.js';
import { emptyLock } from '../src/lock/types.js';
import { loadManifest } from '../src/manifest/load.js';
import type { ShotEvent } from '../src/report/types.js';
import { executeAllNew, testProviders, useCampaigns } from './helpers/campaign.js';

const RECORD_DELAY_MS = 800;

/** A lock on a disk that takes RECORD_DELAY_MS to make a job id durable. */
class SlowJobIdRecords extends LockWriter {
  readonly durableAt = new Map<string, number>();

  override async update(id: string, change: LockChange): Promise<void> {
    await super.update(id, change);
    const entry = this.get(id);
    if (entry?.state === 'submitted' && entry.job_id) {
      await sleep(RECORD_DELAY_MS);
      this.durableAt.set(id, Date.now());
    }
  }
}

describe('executor: the poll clock', () => {
  const campaign = useCampaigns();

  it('polls `initial` after the submission was answered, and never before its job id is recorded', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 1000 }, { shots: 2, types: ['openai-videos'], poll: { initial: '1s', max: '5s' } });
    const manifest = await loadManifest(ws.path('shots.yaml'));
    const http = new HttpClient();
    const lock = new SlowJobIdRecords(ws.path('shots.lock.yaml'), emptyLock());
    // When each poll left, seen where undici creates the request.
    const pollsAt = new Map<string, number>();
    const seeRequest = (message: unknown): void => {
      const { request } = message as { request: { method: string; path: string } };
      const job = /\/videos\/([^/?]+)$/.exec(request.path)?.[1];
      if (request.method === 'GET' && job) pollsAt.set(job, Date.now());
    };
    subscribe('undici:request:create', seeRequest);
    const { summary, events } = await executeAllNew(manifest, await testProviders(manifest, http), lock);
    unsubscribe('undici:request:create', seeRequest);
    await lock.close();
    await http.close();
    expect(summary.created).toBe(2);

    for (const shot of manifest.shots) {
      const at = (state: ShotEvent['state']): number => Date.parse(events.find((event) => event.id === shot.id && event.state === state)!.ts);
      // `submitted` is reported once the id is durable; the poll that found the job done
      // came before `downloading`. Counted from the record, the gap would be a whole second.
      const durableAt = lock.durableAt.get(shot.id)!;
      const jobId = events.find((event) => event.id === shot.id && event.state === 'submitted')!.jobId!;
      expect(pollsAt.get(jobId)).toBeGreaterThanOrEqual(durableAt);
      expect(at('downloading') - at('submitted')).toBeLessThan(1000 - RECORD_DELAY_MS / 2);
    }
    // One poll a job: the first, `initial` after the answer, found it done.
    expect(emulator.stats().requests['GET /v1/videos/:id']).toBe(2);
  });
});
