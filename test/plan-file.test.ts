/**
 * Saved plans (issue 13): `plan --out plan.json` then `apply plan.json` runs exactly what was
 * reviewed, and anything that changed in between (the manifest, the lock, the plan file
 * itself) makes apply refuse with exit 3 before a single job is created.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS, useCampaigns } from './helpers/campaign.js';
import type { Workspace } from './helpers/workspace.js';

const startCampaign = useCampaigns();

async function campaign(shots = 4): Promise<{ emu: RunningEmulator; ws: Workspace; manifest: string }> {
  const { emulator: emu, ws } = await startCampaign({ latencyMs: [100, 300] }, { shots, types: ['openai-videos'] });
  return { emu, ws, manifest: await ws.read('shots.yaml') };
}

const cli = (ws: Workspace, ...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });

async function savePlan(ws: Workspace, ...args: string[]): Promise<void> {
  const saved = await cli(ws, 'plan', 'shots.yaml', '--out', 'plan.json', ...args);
  expect(saved.code, saved.stderr).toBe(0);
  expect(saved.stderr).toContain('Saved the plan to plan.json');
}

/** Apply refused the plan file with exit 3 and the message, and no job was created. */
async function expectRefused(ws: Workspace, emu: RunningEmulator, message: string, jobsBefore = 0): Promise<void> {
  const run = await cli(ws, 'apply', 'plan.json');
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain(message);
  expect(run.stderr).toContain('nothing was applied');
  expect(submissions(emu.stats())).toBe(jobsBefore);
}

describe('apply plan.json', () => {
  it('runs exactly the saved actions, without asking again, and a plan that has run cannot run twice', async () => {
    const { emu, ws } = await campaign(4);
    await savePlan(ws, '--only', 'shot-001', '--only', 'shot-003');
    const plan = JSON.parse(await ws.read('plan.json'));
    expect(plan).toMatchObject({ format: 'videogen-plan', version: 1, manifest: { path: 'shots.yaml' } });

    const run = await cli(ws, 'apply', 'plan.json');
    expect(run.code, run.stderr).toBe(0);
    expect(submissions(emu.stats())).toBe(2);
    expect(Object.keys((await ws.lock()).shots).sort()).toEqual(['shot-001', 'shot-003']);

    // The lock moved on: the same plan again would be a plan nobody reviewed against it.
    await expectRefused(ws, emu, 'shots.lock.yaml changed since plan.json was made', 2);
  });

  it('refuses an edited manifest, naming the shots whose action changed', async () => {
    const { emu, ws, manifest } = await campaign(3);
    await savePlan(ws);
    await ws.write('shots.yaml', manifest.replace('Scene number 1,', 'Scene number one,'));
    // shot-001 is still a create, but of another prompt; an added shot shows by name.
    await expectRefused(ws, emu, 'changed since plan.json was made (its shots plan the same actions, but their specs, pricing or storage differ)');

    await ws.write('shots.yaml', `${manifest}  - id: extra\n    provider: oa\n    model: veo-3.1-fast-generate-001\n    prompt: More\n    duration: 4\n`);
    await expectRefused(ws, emu, 'extra now create (not in the plan)');
  });

  it('refuses an edited lock', async () => {
    const { emu, ws } = await campaign(2);
    expect((await cli(ws, 'apply', 'shots.yaml', '--yes')).code).toBe(0);
    await ws.write('shots.yaml', (await ws.read('shots.yaml')).replace('Scene number 0,', 'Scene number zero,'));
    await savePlan(ws);
    // A valid lock, only not the one the plan was made from (a teammate's merge moved a date, say).
    await ws.write('shots.lock.yaml', (await ws.read('shots.lock.yaml')).replace(/completed_at: "[^"]+"/, 'completed_at: "2026-01-01T00:00:00Z"'));
    await expectRefused(ws, emu, 'shots.lock.yaml changed since plan.json was made', 2);
  });

  it('refuses a truncated, a hand-edited and a future plan file, and one made for another manifest', async () => {
    const { emu, ws } = await campaign(2);
    await savePlan(ws);
    const text = await ws.read('plan.json');

    await ws.write('plan.json', text.slice(0, Math.floor(text.length / 2)));
    await expectRefused(ws, emu, 'plan.json: is not a complete JSON document');

    // Someone drops a shot from the reviewed plan by hand.
    const edited = JSON.parse(text);
    edited.plan.actions.pop();
    await ws.write('plan.json', JSON.stringify(edited, null, 2));
    await expectRefused(ws, emu, 'was changed after `videogen plan` wrote it');

    await ws.write('plan.json', JSON.stringify({ ...JSON.parse(text), version: 2, videogen: '9.0.0' }));
    await expectRefused(ws, emu, 'is a plan file of format version 2 (written by videogen 9.0.0); this videogen reads version 1');

    // A plan reviewed for another campaign, copied next to this one's shots.yaml.
    const other = await campaign(3);
    await savePlan(other.ws);
    await ws.write('plan.json', await readFile(other.ws.path('plan.json')));
    await expectRefused(ws, emu, 'shots.yaml changed since plan.json was made: shot-002 no longer planned (planned: create)');
    expect(submissions(other.emu.stats())).toBe(0);
  });

  it('keeps selectors with the plan: apply plan.json --only is a usage error; --out must be a .json name', async () => {
    const { emu, ws } = await campaign(2);
    await savePlan(ws);
    const run = await cli(ws, 'apply', 'plan.json', '--only', 'shot-000');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--only cannot change a saved plan (plan.json)');
    const out = await cli(ws, 'plan', 'shots.yaml', '--out', 'plan.txt');
    expect(out.code).toBe(3);
    expect(out.stderr).toContain("a plan file's name ends in .json");
    expect(submissions(emu.stats())).toBe(0);
  });
});
