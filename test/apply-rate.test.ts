/**
 * A provider's `rate:` caps submissions per minute, whatever the concurrency allows, and a
 * run held back by it says so in its plain and NDJSON output.
 */
import { describe, expect, it } from 'vitest';
import { decodeJobId } from '../src/emulator/job-id.js';
import { readLock } from '../src/lock/read.js';
import { runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';

describe('apply under a provider rate', () => {
  const startCampaign = useCampaigns();

  async function rateCampaign(shots: number) {
    const campaign = await startCampaign({ latencyMs: 100, seed: 3 }, { shots, concurrency: 8, types: ['openai-videos'] });
    const manifest = (await campaign.ws.read('shots.yaml')).replace('    type: openai-videos\n', '    type: openai-videos\n    rate: 120/min\n');
    await campaign.ws.write('shots.yaml', manifest);
    return campaign;
  }

  it('spaces submissions at the rate and reports the hold in NDJSON', async () => {
    const { emulator, ws } = await rateCampaign(6);
    const result = await runCli(['apply', 'shots.yaml', '--yes', '--json', '--concurrency', '8'], { cwd: ws.dir, env: TEST_KEYS });
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; text?: string; note?: string });
    expect(records.filter((r) => r.type === 'message').map((r) => r.text)).toContain('rate limit 120/min at oa: holding submissions back');
    expect(records.some((r) => r.type === 'shot' && /^rate limit 120\/min: waiting \d/.test(r.note ?? ''))).toBe(true);

    // 120/min is one every 500 ms after a burst of one second's worth (two): the last of six goes
    // out 2 s after the first (less the time the first POST took to reach the emulator).
    const created = Object.values((await readLock(ws.path('shots.lock.yaml'))).shots)
      .map((entry) => decodeJobId(entry.job_id!, { api: 'openai', prefix: 'video_' })!.createdAt)
      .sort((a, b) => a - b);
    expect(created).toHaveLength(6);
    expect(created[5]! - created[0]!).toBeGreaterThanOrEqual(1500);
    expect(submissions(emulator.stats())).toBe(6);
  });

  it('says so in plain output too', async () => {
    const { ws } = await rateCampaign(3);
    const result = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rate limit 120/min at oa: holding submissions back');
    expect(result.stdout).toMatch(/shot-\d+ +submitting {2}\(oa\) {2}\(rate limit 120\/min: waiting \d/);
  });
});
