/** status reports on every recorded output, including shots the manifest has changed since. */
import { describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { runCli } from './helpers/cli.js';
import { TEST_KEYS, useCampaigns } from './helpers/campaign.js';

describe('videogen status', () => {
  const campaign = useCampaigns();

  it('checks outputs of changed and orphaned shots too', async () => {
    const { ws } = await campaign({ latencyMs: 100, seed: 6 }, { shots: 3 });
    expect((await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS })).code).toBe(0);
    const manifest = await ws.read('shots.yaml');
    // shot-000's prompt changes and its output goes; shot-002 leaves the manifest.
    await ws.write(
      'shots.yaml',
      manifest.replace('"Scene number 0, slow dolly shot"', '"Scene number 0, at dusk"').replace(/  - id: shot-002[\s\S]*$/, ''),
    );
    await rm(ws.path('out/shot-000.mp4'));
    const result = await runCli(['status', 'shots.yaml', '--json'], { cwd: ws.dir, env: TEST_KEYS });
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout).shots as { id: string; state: string; current: boolean; output: string }[];
    expect(rows).toEqual([
      expect.objectContaining({ id: 'shot-000', state: 'completed', current: false, output: 'missing' }),
      expect.objectContaining({ id: 'shot-001', state: 'completed', current: true, output: 'ok' }),
      expect.objectContaining({ id: 'shot-002', state: 'orphan', output: 'ok' }),
    ]);
  });
});
