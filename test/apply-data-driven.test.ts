/**
 * Data-driven shots end to end: the real CLI against an emulator started here, a template ×
 * a CSV file plus takes. A row is a shot by its id and spec, never by its line: editing one
 * row regenerates exactly its shots, adding one creates only its shots, reordering changes
 * nothing, and a broken data file stops everything before a single job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { providerModule } from '../src/providers/registry.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { submissions, TEST_KEYS } from './helpers/campaign.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const HEADER = 'slug,name,city';
const ROWS = ['acme,Ada,Paris', 'beta,"Bob, Jr.",Berlin', 'gamma,Grace,Rome', 'delta,Dan,Oslo', 'eps,Eve,Lima'];

function manifest(emulatorUrl: string): string {
  return `version: 1
providers:
  h3:
    type: heygen-v3
    base_url: ${emulatorUrl}${providerModule('heygen-v3').emulatorPath}
    api_key_env: TEST_HEYGEN_KEY
    concurrency: 6
    poll: { initial: 100ms, max: 300ms }
shots:
  - id: "hello-{{ slug }}"
    from: leads.csv
    prompt: "A presenter says hello to {{ name }} from {{ city }}"
    takes: 2
  - id: hero
    prompt: The hero shot
    takes: 3
`;
}

describe('apply: a template × a CSV, with takes', () => {
  let emulator: RunningEmulator;
  let ws: Workspace;
  const run = (...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 120_000 });
  const apply = (...extra: string[]) => run('apply', 'shots.yaml', '--yes', ...extra);
  const csv = (rows: string[]) => ws.write('leads.csv', `${[HEADER, ...rows].join('\n')}\n`);
  const lockedIds = async () => Object.keys(parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml').shots);

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: [50, 150], seed: 11 });
    ws = await createWorkspace();
    await ws.write('shots.yaml', manifest(emulator.url));
    await csv(ROWS);
  });
  afterAll(async () => {
    await emulator?.close();
    await ws?.remove();
  });

  it('validate says what each entry became', async () => {
    const result = await run('validate', 'shots.yaml');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'shots.yaml: valid (13 shots, 1 provider, 0 in the lockfile)\n' +
        '  shots[0] hello-{{ slug }}: 5 rows of leads.csv × 2 takes → 10 shots\n' +
        '  shots[1] hero: 3 takes → 3 shots\n',
    );
  });

  it('plans the expanded ids, and --only takes the template, a glob, and the id whose takes to select', async () => {
    const plan = async (...only: string[]) => {
      const result = await run('plan', 'shots.yaml', '--json', ...only.flatMap((pattern) => ['--only', pattern]));
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { actions: { id: string }[] }).actions.map((a) => a.id);
    };
    expect(await plan()).toEqual([
      ...['acme', 'beta', 'gamma', 'delta', 'eps'].flatMap((slug) => [`hello-${slug}.1`, `hello-${slug}.2`]),
      'hero.1',
      'hero.2',
      'hero.3',
    ]);
    expect(await plan('hello-{{ slug }}')).toHaveLength(10);
    expect(await plan('hello-b*')).toEqual(['hello-beta.1', 'hello-beta.2']);
    expect(await plan('hero')).toEqual(['hero.1', 'hero.2', 'hero.3']);
    expect(await plan('hero.2', 'hello-gamma')).toEqual(['hello-gamma.1', 'hello-gamma.2', 'hero.2']);
  });

  it('generates every take of every row once, each with its own lock entry', async () => {
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(13);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(Object.keys(lock.shots)).toHaveLength(13);
    expect(lock.shots['hero.2']?.spec).toMatchObject({ prompt: 'The hero shot', take: 2 });
    expect(lock.shots['hello-beta.1']?.spec).toMatchObject({ prompt: 'A presenter says hello to Bob, Jr. from Berlin', take: 1 });
    expect(lock.shots['hello-beta.1']?.output?.path).toBe('out/hello-beta.1.mp4');
  });

  it('regenerates exactly the shots of the one row that was edited', async () => {
    await csv(ROWS.map((row) => (row.startsWith('gamma,') ? 'gamma,Grace,Naples' : row)));
    const plan = await run('plan', 'shots.yaml', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout.match(/^\s+~ \S+/gm)?.map((line) => line.trim())).toEqual(['~ hello-gamma.1', '~ hello-gamma.2']);
    expect(plan.stdout).toContain('Naples');
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(15);
  });

  it('creates only the shots of a row that was added', async () => {
    await csv([...ROWS.map((row) => (row.startsWith('gamma,') ? 'gamma,Grace,Naples' : row)), 'zeta,Zoe,Quito']);
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(17);
    expect(await lockedIds()).toContain('hello-zeta.2');
  });

  it('changes nothing when the rows are reordered: no job, the lock bytes untouched', async () => {
    const before = await ws.read('shots.lock.yaml');
    await csv([...ROWS.map((row) => (row.startsWith('gamma,') ? 'gamma,Grace,Naples' : row)), 'zeta,Zoe,Quito'].reverse());
    const plan = await run('plan', 'shots.yaml', '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No changes');
    expect(submissions(emulator.stats())).toBe(17);
    expect(await ws.read('shots.lock.yaml')).toBe(before);
  });

  it('refuses a broken data file with its positions, before any job, writing nothing', async () => {
    const lockBefore = await ws.read('shots.lock.yaml');
    const files = (await ws.files()).sort();
    await csv(['acme,Ada,Paris', 'acme,Another Ada,Rome', 'Bad Slug,Bo,Bern', 'short,row']);
    const result = await apply();
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('leads.csv:3:1: VIDEOGEN_MANIFEST_DUPLICATE_ID shots[0].id: duplicate id `hello-acme.1` (also leads.csv:2) (template shots.yaml:10:9)');
    expect(result.stderr).toContain('leads.csv:4:1: VIDEOGEN_MANIFEST_BAD_ID shots[0].id:');
    expect(result.stderr).toContain('leads.csv:5:1: VIDEOGEN_DATA_SYNTAX shots[0].from: this row has 2 values, the header has 3 columns');
    // Once per row, not once per take.
    expect(result.stderr).toContain('3 problems found; nothing was changed.');
    expect(submissions(emulator.stats())).toBe(17);
    expect(await ws.read('shots.lock.yaml')).toBe(lockBefore);
    expect((await ws.files()).sort()).toEqual(files);
  });
});

describe('examples/data-driven', () => {
  it('applies on the in-process emulator, then plans nothing', async () => {
    const ws = await createWorkspace();
    try {
      await cp(join(REPO_ROOT, 'examples', 'data-driven'), ws.dir, { recursive: true });
      const applied = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, timeoutMs: 120_000 });
      expect(applied.code, applied.stderr).toBe(0);
      const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
      const ids = Object.keys(lock.shots);
      expect(ids).toHaveLength(15);
      expect(ids).toEqual(expect.arrayContaining(['hello-acme-paris', 'hello-lumen-singapore', 'hero.1', 'hero.3']));
      await expectOutputsMatchLock(ws, lock);
      const plan = await runCli(['plan', 'shots.yaml', '--detailed-exitcode'], { cwd: ws.dir });
      expect(plan.code, plan.stdout).toBe(0);
    } finally {
      await ws.remove();
    }
  });
});
